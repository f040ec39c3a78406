import { readBacklog } from "./backlog.ts";
import { LogFollower } from "./follower.ts";
import { sleep } from "../_async.ts";

/** How often a followed log is checked for new bytes. */
const FOLLOW_INTERVAL_MS = 100;

/** A service's log file. */
export interface LogSource {
  name: string;
  file: string;
}

/** Lines of one service's log, in the order they were written. */
export interface LogBatch {
  service: string;
  lines: string[];
}

/** Options of {@linkcode streamLogs}. */
export interface StreamLogsOptions {
  /** Lines of backlog per service. */
  lines: number;
  /** Keep yielding new lines, across rotations, until `signal` aborts. */
  follow: boolean;
  /** Ends a followed stream. @default {undefined} */
  signal?: AbortSignal | undefined;
}

/**
 * Yields the last `lines` lines of each source (one batch per service, a
 * last unterminated line included unless following), then, with `follow`,
 * new lines as they are written, until `signal` aborts (the lines written
 * before the abort are yielded, then the stream ends) or the consumer stops
 * iterating. Reads the log files only; needs read permission on them.
 *
 * @example
 * ```ts ignore
 * for await (const { service, lines } of streamLogs(sources, { lines: 50, follow: false })) {
 *   console.log(service, lines);
 * }
 * ```
 */
export async function* streamLogs(
  sources: readonly LogSource[],
  options: StreamLogsOptions,
): AsyncGenerator<LogBatch> {
  const followers = [];
  for (const { name, file } of sources) {
    const backlog = await readBacklog(file, { lines: options.lines });
    const lines = options.follow || backlog.partial === ""
      ? backlog.lines
      : [...backlog.lines, backlog.partial].slice(-options.lines);
    yield { service: name, lines: options.lines === 0 ? [] : lines };
    followers.push({ name, follower: new LogFollower(file, backlog.position) });
  }
  if (!options.follow) return;
  const signal = options.signal;
  while (true) {
    // Read after the abort too: every line written before it is yielded.
    const last = signal?.aborted === true;
    for (const { name, follower } of followers) {
      const lines = await follower.poll();
      if (lines.length > 0) yield { service: name, lines };
    }
    if (last) return;
    // An abort ends the pause early; the loop then reads one last time.
    await sleep(FOLLOW_INTERVAL_MS, { signal }).catch(() => {});
  }
}
