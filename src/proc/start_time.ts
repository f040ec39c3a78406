/** Clock ticks per second of `/proc/PID/stat` times (Linux CLK_TCK). */
const TICKS_PER_SECOND = 100;
const MS_PER_SECOND = 1000;
const IS_DARWIN = Deno.build.os === "darwin";

/**
 * The wall-clock time (epoch milliseconds) at which a process with this
 * `startTicks` (see `Identity`) started. On Linux it is the boot time
 * (`btime` of `/proc/stat`, whole seconds, rounded down) plus the ticks, so
 * it may be up to one second early; on macOS `startTicks` already is epoch
 * seconds. Good for ordering a start against a file's mtime, not for display
 * to the millisecond.
 *
 * @example
 * ```ts
 * import { startedAtMs } from "./start_time.ts";
 * const bootMs = await startedAtMs(0); // when this machine booted (Linux)
 * ```
 */
export async function startedAtMs(startTicks: number): Promise<number> {
  if (IS_DARWIN) return startTicks * MS_PER_SECOND;
  const stat = await Deno.readTextFile("/proc/stat");
  const btime = /^btime (\d+)$/m.exec(stat)?.[1];
  if (btime === undefined) {
    throw new Error("Cannot read the boot time: no btime in /proc/stat");
  }
  return Number(btime) * MS_PER_SECOND +
    startTicks * (MS_PER_SECOND / TICKS_PER_SECOND);
}
