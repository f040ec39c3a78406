import type { ExitStatus } from "../proc/spawn.ts";
import {
  decideAfterExit,
  type ExitDecision,
  type RestartPolicy,
} from "./policy.ts";
import type { RunnerIo } from "./runner_io.ts";

/** {@linkcode RestartTracker.wait}: the delay passed. */
const DUE = true;
/** {@linkcode RestartTracker.wait}: the signal aborted first. */
const CANCELLED = false;

/** How many restart times are kept for `max_restarts`. */
const RESTART_TIMES_KEPT = 100;

/**
 * The restart bookkeeping of one service: how many restarts it had, when
 * (for `max_restarts`), the run of quick exits (for the backoff delay) and
 * the pending backoff timer.
 */
export class RestartTracker {
  /** Restarts since the service was first started (shown by `status`). */
  restarts = 0;
  /** When the pending restart is due (ms since the epoch), if any. */
  nextRestartAt: number | null = null;
  #io: Pick<RunnerIo, "now" | "setTimer">;
  #times: number[] = [];
  #streak = 0;
  #cancel: (() => void) | undefined;

  constructor(io: Pick<RunnerIo, "now" | "setTimer">) {
    this.#io = io;
  }

  /** A start after a stop or a failure begins a fresh budget. */
  reset(): void {
    this.#times = [];
    this.#streak = 0;
  }

  /** Counts a restart happening now. */
  count(): void {
    this.nextRestartAt = null;
    this.restarts++;
    this.#times = [...this.#times, this.#io.now()].slice(-RESTART_TIMES_KEPT);
  }

  /** The policy's decision after an exit of a process started at `startedAt`. */
  decide(
    policy: RestartPolicy,
    facts: { exit: ExitStatus; startedAt: number | null },
  ): ExitDecision {
    const now = this.#io.now();
    const decision = decideAfterExit(policy, {
      exit: facts.exit,
      uptimeMs: now - (facts.startedAt ?? now),
      now,
      restartTimes: this.#times,
      streak: this.#streak,
    });
    if (decision.kind === "restart") this.#streak = decision.streak;
    return decision;
  }

  /** Calls `callback` after `delayMs`, unless {@linkcode clear} comes first. */
  schedule(delayMs: number, callback: () => void): void {
    this.clear();
    this.nextRestartAt = this.#io.now() + delayMs;
    this.#cancel = this.#io.setTimer(delayMs, () => {
      this.#cancel = undefined;
      callback();
    });
  }

  /**
   * Waits `delayMs` as a pending restart (shown as due); `false` when
   * `signal` aborts first.
   */
  wait(delayMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const onAbort = () => {
        this.clear();
        resolve(CANCELLED);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.schedule(delayMs, () => {
        signal.removeEventListener("abort", onAbort);
        resolve(DUE);
      });
    });
  }

  /** Cancels the pending restart, if any. */
  clear(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    this.nextRestartAt = null;
  }
}
