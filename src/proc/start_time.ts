/** Clock ticks per second of `/proc/PID/stat` times (Linux CLK_TCK). */
const TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;
const IS_DARWIN = Deno.build.os === "darwin";

/**
 * The wall-clock time (epoch milliseconds) at which a process with this
 * `startTicks` (see `Identity`) started. On Linux it is the boot time (now
 * less `/proc/uptime`, both to 10 ms; `btime` of `/proc/stat` has whole
 * seconds only) plus the ticks (10 ms each, rounded down); on macOS
 * `startTicks` already is epoch seconds. Good for ordering a start against a
 * file's mtime to a few tens of milliseconds.
 *
 * @example
 * ```ts
 * import { startedAtMs } from "./start_time.ts";
 * const bootMs = await startedAtMs(0); // when this machine booted (Linux)
 * ```
 */
export function startedAtMs(startTicks: number): Promise<number> {
  if (IS_DARWIN) return Promise.resolve(startTicks * MS_PER_SECOND);
  try {
    return Promise.resolve(
      bootedAtMs() + startTicks * (MS_PER_SECOND / TICKS_PER_SECOND),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * When this machine booted: the clock less `/proc/uptime`, read together.
 * Read synchronously: with an async read the clock was read after the
 * event loop's next turn, which on a loaded machine came 100 ms and more
 * after the kernel wrote the uptime, and every start computed from it
 * moved that much later. A service whose supervisor died right after
 * writing its PID file then looked started after the file (a reused PID)
 * to the next supervisor, which spawned a second copy (chaos scenario 2).
 */
function bootedAtMs(): number {
  const uptime = Number(
    Deno.readTextFileSync("/proc/uptime").split(" ")[0],
  );
  const now = Date.now();
  if (!Number.isFinite(uptime)) {
    throw new Error("Cannot read the boot time: /proc/uptime is not a number");
  }
  return now - uptime * MS_PER_SECOND;
}
