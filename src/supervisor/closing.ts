import { TendError } from "../errors.ts";

/**
 * Whether a supervisor still accepts starts. `tend down` closes it with its
 * stop, before anything is stopped, so that no start is accepted and then
 * stopped by the shutdown; should the shutdown never come (the CLI was
 * killed), it reopens after a while. The shutdown closes it for good.
 */
export class ClosingGate {
  #closed = false;
  #final = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Whether starts are refused now. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Refuses starts from now on; for good unless {@linkcode reopenAfter} follows. */
  close(options: { final: boolean }): void {
    this.#closed = true;
    if (options.final) {
      this.#final = true;
      clearTimeout(this.#timer);
    }
  }

  /** Accepts starts again after `ms`, unless closed for good meanwhile. */
  reopenAfter(ms: number): void {
    if (this.#final) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!this.#final) this.#closed = false;
    }, ms);
  }

  /** Throws `SHUTTING_DOWN` when starts are refused. */
  check(root: string): void {
    if (this.#closed) throw shuttingDownError(root);
  }

  /** Clears the reopen timer. */
  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
  }
}

/** The error of a start sent to a supervisor that is shutting down. */
export function shuttingDownError(root: string): TendError {
  return new TendError(
    "SHUTTING_DOWN",
    `Cannot start services: the supervisor of "${root}" is shutting down`,
    { hint: 'Run the command again once "tend down" has finished' },
  );
}
