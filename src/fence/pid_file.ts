import { TendError } from "../errors.ts";
import {
  permissionError,
  PRIVATE_FILE_MODE,
  readOwnFile,
  removeIfPresentNow,
  writeAtomic,
} from "./safe_file.ts";

/** A PID file holds one number and a newline; anything longer is garbage. */
const PID_FILE_MAX_BYTES = 32;

/**
 * Reads a plain PID file. `null` when absent or still empty (a writer may be
 * between create and write); a file that is not one positive integer is
 * reported as `PID_FILE_CORRUPTED`.
 *
 * @example
 * ```ts ignore
 * const pid = await readPidFile("/srv/app/.tend/run/web.pid"); // number | null
 * ```
 */
export async function readPidFile(path: string): Promise<number | null> {
  const text = await readOwnFile(path, { maxBytes: PID_FILE_MAX_BYTES });
  if (text === null || text.trim() === "") return null;
  const pid = parsePid(text);
  if (pid === null) {
    throw new TendError(
      "PID_FILE_CORRUPTED",
      `Cannot read PID file "${path}": ${
        JSON.stringify(text.slice(0, 20))
      } is not a process id`,
      { hint: `Run "tend cleanup" or remove "${path}"` },
    );
  }
  return pid;
}

/** Parses the content of a PID file; `null` unless it is one positive integer. */
export function parsePid(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[1-9][0-9]{0,9}$/.test(trimmed)) return null;
  const pid = Number(trimmed);
  return pid <= 0x7fffffff ? pid : null;
}

/**
 * Writes `pid` to `path`, replacing what is there in one step (a temporary
 * file renamed over it): the path never goes missing, not even for the
 * moment between a removal and a create, where a supervisor killed after a
 * spawn left no PID file for a live service, and the next one, finding none
 * (nor the spawn's empty one), started a second copy. Only a process that
 * holds the workspace lock may call this.
 *
 * @example
 * ```ts ignore
 * await replacePidFile("/srv/app/.tend/run/web.pid", child.pid);
 * ```
 */
export async function replacePidFile(path: string, pid: number): Promise<void> {
  await writeAtomic(path, `${pid}\n`, { sync: false });
}

/**
 * Replaces `path` with an empty PID file: written just before a spawn, it
 * records that the spawn is under way, so that a supervisor that dies
 * before it can write the PID leaves a record (its mtime) by which the
 * next one recognises the process. Readers see it as "no PID yet". Only a
 * process that holds the workspace lock may call this.
 */
export function markSpawning(path: string): Promise<void> {
  try {
    markSpawningNow(path);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@linkcode markSpawning}, synchronously (a few microseconds): it lies on
 * the path from a crash to the next spawn, where each trip through Deno's
 * thread pool cost up to milliseconds on a busy machine. An empty file needs
 * no temporary file: its exclusive creation is the whole write. Mostly the
 * file is absent (the last exit removed it): one create then.
 */
export function markSpawningNow(path: string): void {
  if (createEmptyNow(path)) return;
  removeIfPresentNow(path);
  if (!createEmptyNow(path)) {
    throw new TendError(
      "LOCK_FAILED",
      `Cannot write PID file "${path}": another process created it at the same time`,
    );
  }
}

/** Creates `path` empty unless it exists (symlinks included): `false` then. */
function createEmptyNow(path: string): boolean {
  try {
    Deno.openSync(path, {
      write: true,
      createNew: true,
      mode: PRIVATE_FILE_MODE,
    }).close();
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw permissionError(path, error);
  }
}
