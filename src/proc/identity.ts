import { isDeadState } from "./alive.ts";
import { parseStat } from "./_stat.ts";
import { capture } from "./_capture.ts";

/**
 * Who a process is, beyond its PID (which the kernel reuses): a PID is the
 * same process only while its start time and the boot it started in match.
 *
 * On Linux `startTicks` is field 22 of `/proc/PID/stat` (clock ticks since
 * boot). On macOS (untested) it is the start time from `ps -o lstart=`, in
 * seconds since the epoch, so it has a one-second resolution there.
 *
 * @example
 * ```ts ignore
 * const me: Identity | null = await readIdentity(Deno.pid, await readBootId());
 * ```
 */
export interface Identity {
  /** The process ID. */
  pid: number;
  /** When the process started (ticks since boot on Linux, epoch seconds on macOS). */
  startTicks: number;
  /** The boot the process started in; see {@linkcode readBootId}. */
  bootId: string;
}

const BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id";
/** Longest boot ID accepted from a file (a UUID has 36 characters). */
const BOOT_ID_MAX_CHARS = 64;
const IS_DARWIN = Deno.build.os === "darwin";

/**
 * Reads the ID of the current boot. It is constant until the next reboot, so
 * callers may read it once and keep it.
 *
 * Linux: `/proc/sys/kernel/random/boot_id`. macOS (untested):
 * `sysctl -n kern.bootsessionuuid`, else the boot time from `kern.boottime`.
 *
 * @example
 * ```ts
 * import { readBootId } from "./identity.ts";
 * const bootId = await readBootId(); // "7cbbe137-f411-4252-a2fa-4b26f107fec8"
 * ```
 */
export async function readBootId(): Promise<string> {
  if (!IS_DARWIN) return (await Deno.readTextFile(BOOT_ID_FILE)).trim();
  const uuid = await sysctl("kern.bootsessionuuid");
  if (uuid !== "") return uuid;
  const boot = /sec = (\d+), usec = (\d+)/.exec(await sysctl("kern.boottime"));
  if (boot === null) throw new Error("Cannot read the boot time: no sysctl");
  return `boottime-${boot[1]}.${boot[2]}`;
}

/**
 * Reads the identity of the live process `pid`, stamped with `bootId`.
 * Returns `null` when there is no such process or it is a zombie.
 *
 * @example
 * ```ts
 * import { readBootId, readIdentity } from "./identity.ts";
 * const me = await readIdentity(Deno.pid, await readBootId());
 * ```
 */
export async function readIdentity(
  pid: number,
  bootId: string,
): Promise<Identity | null> {
  assertPid(pid);
  const start = IS_DARWIN ? await darwinStart(pid) : await linuxStart(pid);
  return start === null ? null : { pid, startTicks: start, bootId };
}

/**
 * Tells whether the process recorded as `id` is still alive (not a zombie):
 * same boot, and the PID still has the recorded start time. Data that is not
 * a valid identity never matches.
 *
 * @example
 * ```ts
 * import { identityMatches, readBootId, readIdentity } from "./identity.ts";
 * const me = await readIdentity(Deno.pid, await readBootId());
 * if (me !== null) await identityMatches(me); // true
 * ```
 */
export async function identityMatches(id: Identity): Promise<boolean> {
  if (!isValidIdentity(id)) return false;
  const bootId = await readBootId();
  if (bootId !== id.bootId) return false;
  const now = await readIdentity(id.pid, bootId);
  return now !== null && now.startTicks === id.startTicks;
}

/**
 * Checks the shape of an identity read from an untrusted file: a positive
 * safe-integer PID, a non-negative safe-integer start time and a non-empty
 * boot ID of at most 64 characters.
 *
 * @example
 * ```ts
 * import { isValidIdentity } from "./identity.ts";
 * isValidIdentity({ pid: 42, startTicks: 1200, bootId: "b" }); // true
 * isValidIdentity({ pid: "42" }); // false
 * ```
 */
export function isValidIdentity(value: unknown): value is Identity {
  if (typeof value !== "object" || value === null) return false;
  const { pid, startTicks, bootId } = value as Record<string, unknown>;
  return Number.isSafeInteger(pid) && (pid as number) > 0 &&
    Number.isSafeInteger(startTicks) && (startTicks as number) >= 0 &&
    typeof bootId === "string" && bootId.length > 0 &&
    bootId.length <= BOOT_ID_MAX_CHARS;
}

/** Throws a RangeError unless `pid` is a positive safe integer. */
function assertPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    throw new RangeError(`Cannot read process ${pid}: not a positive integer`);
  }
}

/** Field 22 of `/proc/PID/stat`, or null when gone or a zombie. */
async function linuxStart(pid: number): Promise<number | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`/proc/${pid}/stat`);
  } catch (error) {
    // ENOENT: no such PID. ESRCH (exited between open and read) comes as a
    // plain Error without a code on Deno 2.9.6: check that the PID is gone.
    if (error instanceof Deno.errors.NotFound || !(await exists(pid))) {
      return null;
    }
    throw error;
  }
  const stat = parseStat(text);
  return stat === null || isDeadState(stat.state) ? null : stat.startTicks;
}

/**
 * {@linkcode identityMatches} for a poller that knows the current boot ID.
 * On Linux it is one synchronous read of `/proc/PID/stat`: an async read
 * hands off to a worker thread, which costs an idle supervisor watching many
 * adopted services more CPU than the reads. A PID whose stat cannot be read
 * while `/proc/PID` exists counts as alive. Elsewhere it is
 * {@linkcode identityMatches}.
 *
 * @example
 * ```ts
 * import { identityMatchesNow, readBootId, readIdentity } from "./identity.ts";
 * const bootId = await readBootId();
 * const me = await readIdentity(Deno.pid, bootId);
 * if (me !== null) await identityMatchesNow(me, bootId); // true
 * ```
 */
export function identityMatchesNow(
  id: Identity,
  bootId: string,
): boolean | Promise<boolean> {
  if (IS_DARWIN) return identityMatches(id);
  if (!isValidIdentity(id) || id.bootId !== bootId) return false;
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${id.pid}/stat`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    try {
      Deno.statSync(`/proc/${id.pid}`);
      return true;
    } catch {
      return false;
    }
  }
  const stat = parseStat(text);
  return stat !== null && !isDeadState(stat.state) &&
    stat.startTicks === id.startTicks;
}

/** True while `/proc/PID` exists (zombies included). */
function exists(pid: number): Promise<boolean> {
  return Deno.stat(`/proc/${pid}`).then(() => true, () => false);
}

/** Start (epoch seconds) from `ps -o stat=,lstart=`; untested. */
async function darwinStart(pid: number): Promise<number | null> {
  const out = await capture("ps", ["-o", "stat=,lstart=", "-p", String(pid)]);
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(out);
  if (match === null || isDeadState(match[1] ?? "")) return null;
  const ms = Date.parse(match[2] ?? "");
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** `sysctl -n NAME`, trimmed; empty when the key does not exist. */
function sysctl(name: string): Promise<string> {
  return capture("sysctl", ["-n", name]);
}
