/**
 * Waiting: a pause that an abort signal can cut short, and a check repeated
 * until it passes or a deadline goes by.
 */

/** Options of {@linkcode sleep}. */
export interface SleepOptions {
  /**
   * Ends the pause early, rejecting with the signal's reason.
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Resolves after `ms`; rejects with the signal's reason when it aborts first
 * (or already has).
 *
 * @example
 * ```ts
 * import { sleep } from "./_async.ts";
 * await sleep(10);
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Options of {@linkcode pollUntil}. */
export interface PollOptions {
  /**
   * How long to keep checking; the check always runs at least once.
   * @default {Infinity}
   */
  timeoutMs?: number;
  /** The pause between checks (the longest one, with `firstIntervalMs`). */
  intervalMs: number;
  /**
   * The first pause, doubled after each check up to `intervalMs`.
   * @default {intervalMs}
   */
  firstIntervalMs?: number;
  /**
   * Ends the wait early: the pause rejects with the signal's reason.
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Runs `check` until it returns `true` (then resolves `true`) or the deadline
 * has passed after a failed check (then resolves `false`). An error that
 * `check` throws rejects the wait.
 *
 * @example
 * ```ts
 * import { pollUntil } from "./_async.ts";
 * const started = Date.now();
 * const passed = await pollUntil(() => Date.now() - started > 20, {
 *   timeoutMs: 1_000,
 *   intervalMs: 5,
 * });
 * ```
 */
export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  options: PollOptions,
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? Infinity);
  let pause = options.firstIntervalMs ?? options.intervalMs;
  while (true) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(pause, { signal: options.signal });
    pause = Math.min(pause * 2, options.intervalMs);
  }
}
