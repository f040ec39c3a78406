import type { RunState } from "./transition.ts";

/** The states where a job's start is over: done, given up, or stopped. */
const SETTLED: readonly RunState[] = ["completed", "failed", "stopped"];

/**
 * The `tend start` calls waiting for a job to settle while it retries
 * (`restart = "on-failure"`): they wait outside the runner's queue, so a
 * stop can still come in.
 */
export class JobWaiters {
  #waiting: ((state: RunState) => void)[] = [];
  /** The log tail of the job's last failed run. */
  lastLogTail = "";

  /** Resolves with the state once the job settles. */
  wait(): Promise<RunState> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Tells the waiters about a new state; settles them when it is final. */
  notify(state: RunState): void {
    if (!SETTLED.includes(state) || this.#waiting.length === 0) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve(state);
  }
}

/** Whether a runner in `state` is a job still on its way to settling. */
export function jobUnsettled(state: RunState): boolean {
  return state === "starting" || state === "backoff";
}
