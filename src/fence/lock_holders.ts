/** Where Linux lists every file lock: one line per lock, see proc(5). */
const PROC_LOCKS = "/proc/locks";

/** A file as `/proc/locks` names it: device and inode. */
export interface LockedInode {
  /** `st_dev` of the file (as `Deno.FileInfo.dev`). */
  dev: number;
  /** `st_ino` of the file. */
  ino: number;
}

/**
 * The PIDs that `/proc/locks` text shows holding a lock on `file` (waiters,
 * the `->` lines, are left out). A line reads
 * `1: FLOCK  ADVISORY  WRITE 814 fe:00:2147183 0 EOF`: the PID, then the
 * device's major and minor numbers in hex and the inode in decimal. For a
 * `flock` the PID is the process that took the lock.
 *
 * @example
 * ```ts
 * import { parseProcLocks } from "./lock_holders.ts";
 * parseProcLocks("1: FLOCK  ADVISORY  WRITE 814 fe:00:2147183 0 EOF\n", {
 *   dev: 0xfe00,
 *   ino: 2147183,
 * }); // [814]
 * ```
 */
export function parseProcLocks(text: string, file: LockedInode): number[] {
  const { major, minor } = splitDev(file.dev);
  const pids: number[] = [];
  for (const lock of locksOf(text)) {
    if (
      lock.major === major && lock.minor === minor && lock.ino === file.ino &&
      !pids.includes(lock.pid)
    ) {
      pids.push(lock.pid);
    }
  }
  return pids;
}

/**
 * The PIDs that `/proc/locks` text shows holding an `flock` on a file that
 * is none of `files`.
 *
 * @example
 * ```ts
 * import { flockHoldersElsewhere } from "./lock_holders.ts";
 * flockHoldersElsewhere("1: FLOCK  ADVISORY  WRITE 814 fe:00:2147183 0 EOF\n", [
 *   { dev: 0xfe00, ino: 42 },
 * ]); // [814]
 * ```
 */
export function flockHoldersElsewhere(
  text: string,
  files: readonly LockedInode[],
): number[] {
  const known = files.map((file) => ({ ...splitDev(file.dev), ino: file.ino }));
  const pids: number[] = [];
  for (const lock of locksOf(text)) {
    const listed = known.some((file) =>
      lock.major === file.major && lock.minor === file.minor &&
      lock.ino === file.ino
    );
    if (lock.kind === "FLOCK" && !listed && !pids.includes(lock.pid)) {
      pids.push(lock.pid);
    }
  }
  return pids;
}

/**
 * The device and inode of `path` (not following a link), or `null` when
 * absent. Synchronous on purpose: the fence asks every few seconds, and an
 * async lstat hands off to a worker thread (which Deno starts and ends
 * again), costing an idle supervisor more CPU than the lstat itself.
 */
export function inodeOf(path: string): LockedInode | null {
  try {
    const info = Deno.lstatSync(path);
    return { dev: info.dev, ino: info.ino ?? -1 };
  } catch {
    return null;
  }
}

/** `/proc/locks`, or `null` where there is none (macOS). */
export async function readProcLocks(): Promise<string | null> {
  try {
    return await Deno.readTextFile(PROC_LOCKS);
  } catch {
    return null;
  }
}

/** One held lock of `/proc/locks` (waiters, the `->` lines, left out). */
interface ProcLock {
  kind: string;
  pid: number;
  major: number;
  minor: number;
  ino: number;
}

function* locksOf(text: string): Generator<ProcLock> {
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === "->" || fields.length < 6) continue;
    const where = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i.exec(fields[5] ?? "");
    const pid = Number(fields[4]);
    if (where === null || !Number.isSafeInteger(pid) || pid <= 0) continue;
    yield {
      kind: fields[1]!,
      pid,
      major: parseInt(where[1]!, 16),
      minor: parseInt(where[2]!, 16),
      ino: Number(where[3]),
    };
  }
}

/**
 * The PIDs holding a lock on the file at `path`, from `/proc/locks`; `null`
 * when that cannot be known (no `/proc/locks`, as on macOS, or the file is
 * gone).
 *
 * @example
 * ```ts
 * import { lockHolders } from "./lock_holders.ts";
 * const pids = await lockHolders("/srv/app/.tend/run/supervisor.lock"); // [4242]
 * ```
 */
export async function lockHolders(path: string): Promise<number[] | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    return null;
  }
  const text = await readProcLocks();
  if (text === null || info.ino === null) return null;
  return parseProcLocks(text, { dev: info.dev, ino: info.ino });
}

/** Linux's `major()` and `minor()` of a `dev_t`. */
function splitDev(dev: number): { major: number; minor: number } {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}
