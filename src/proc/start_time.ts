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
export async function startedAtMs(startTicks: number): Promise<number> {
  if (IS_DARWIN) return startTicks * MS_PER_SECOND;
  const uptime = Number(
    (await Deno.readTextFile("/proc/uptime")).split(" ")[0],
  );
  if (!Number.isFinite(uptime)) {
    throw new Error("Cannot read the boot time: /proc/uptime is not a number");
  }
  const bootMs = Date.now() - uptime * MS_PER_SECOND;
  return bootMs + startTicks * (MS_PER_SECOND / TICKS_PER_SECOND);
}
