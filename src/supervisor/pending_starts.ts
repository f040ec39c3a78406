import { TendError } from "../errors.ts";

/** One start of a service not yet done; a stop aborts its signal. */
export type StartTicket = AbortController;

/**
 * The starts of one service that are pending: queued, waiting for a
 * dependency, awaiting readiness or retrying before the first readiness. A
 * stop cancels every one of them at once, so no start it overtook runs
 * after it.
 */
export class PendingStarts {
  #open = new Set<StartTicket>();

  /** A ticket for a start that begins now. */
  open(): StartTicket {
    const ticket = new AbortController();
    this.#open.add(ticket);
    return ticket;
  }

  /** The start of `ticket` is over (done, failed or never run). */
  close(ticket: StartTicket): void {
    this.#open.delete(ticket);
  }

  /** Cancels every pending start; `true` when there was one. */
  cancel(): boolean {
    const any = this.#open.size > 0;
    for (const ticket of this.#open) ticket.abort();
    this.#open.clear();
    return any;
  }
}

/** The error of a start that a stop cancelled. */
export function startCancelledError(name: string): TendError {
  return new TendError(
    "START_CANCELLED",
    `Cannot start "${name}": a stop cancelled the start`,
  );
}
