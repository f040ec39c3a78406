import { parseStat } from "./_stat.ts";
import { captureSync } from "./_capture.ts";

/** Exited but not reaped yet (Z), or being torn down (X). */
const DEAD_STATES: ReadonlySet<string> = new Set(["Z", "X"]);
const IS_DARWIN = Deno.build.os === "darwin";

/**
 * Tells whether a process state (`/proc/PID/stat` field 3 on Linux, the
 * `ps -o stat` column on macOS) is one of a process that has exited: a
 * zombie waits only for its parent (or init) to reap it.
 *
 * @example
 * ```ts
 * import { isDeadState } from "./alive.ts";
 * isDeadState("Z"); // true
 * isDeadState("Ss+"); // false
 * ```
 */
export function isDeadState(state: string): boolean {
  return DEAD_STATES.has(state.charAt(0));
}

/**
 * Tells whether process `pid` exists and has not exited. This is the one
 * liveness check of tend: `kill(pid, 0)` also succeeds on a zombie (a
 * process that exited and that nobody reaped yet; on some machines init
 * reaps late), so the state is read from `/proc/PID/stat` on Linux and from
 * `ps` on macOS (untested). It says nothing about who the process is: use
 * an identity for that.
 *
 * @example
 * ```ts
 * import { isProcessAlive } from "./alive.ts";
 * isProcessAlive(Deno.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (!signalZero(pid)) return false;
  return !isDeadState(IS_DARWIN ? darwinState(pid) : linuxState(pid));
}

/** `kill(pid, 0)`: false only when there is no such PID (zombies included). */
function signalZero(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound);
  }
}

/** Field 3 of `/proc/PID/stat`; "X" when it vanished, "" when unreadable. */
function linuxState(pid: number): string {
  try {
    return parseStat(Deno.readTextFileSync(`/proc/${pid}/stat`))?.state ?? "";
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? "X" : "";
  }
}

/** The `ps -o stat=` column; "X" when `ps` no longer lists the PID. */
function darwinState(pid: number): string {
  const state = captureSync("ps", ["-o", "stat=", "-p", String(pid)]);
  return state === "" ? "X" : state;
}
