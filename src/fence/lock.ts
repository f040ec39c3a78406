import { TendError } from "../errors.ts";
import {
  permissionError,
  PRIVATE_FILE_MODE,
  statOwnFile,
} from "./safe_file.ts";
import { pollUntil } from "../_async.ts";

/** `tryLock` modes. */
const EXCLUSIVE = true;
const SHARED = false;

/** How often a contended `tryLock` is retried. */
const LOCK_RETRY_INTERVAL_MS = 20;

/**
 * Opens the lock file at `path` without following a symlink, creating it when
 * absent. The file is never deleted or replaced: a new inode would let a
 * second holder in.
 */
export async function openLockFile(path: string): Promise<Deno.FsFile> {
  try {
    const created = await Deno.open(path, {
      read: true,
      write: true,
      createNew: true,
      mode: PRIVATE_FILE_MODE,
    });
    return created;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw permissionError(path, error);
    }
  }
  const info = await statOwnFile(path);
  if (info === null) return await openLockFile(path);
  const file = await Deno.open(path, { read: true, write: true });
  const opened = await file.stat();
  if (opened.ino !== info.ino || opened.dev !== info.dev) {
    file.close();
    throw new TendError(
      "PERMISSION_DENIED",
      `Cannot use lock file "${path}": it was replaced while being opened`,
    );
  }
  return file;
}

/**
 * Takes the exclusive lock on `path`, retrying for `waitMs` (a short probe by
 * another process can hold it for an instant). Returns the open file, which
 * must stay referenced for as long as the lock is held, or `null` when
 * another process holds it.
 *
 * @example
 * ```ts ignore
 * const lock = await acquireLock("/srv/app/.tend/run/supervisor.lock", { waitMs: 1_000 });
 * if (lock === null) throw new Error("another process holds it");
 * ```
 */
export async function acquireLock(
  path: string,
  options: { waitMs?: number } = {},
): Promise<Deno.FsFile | null> {
  const file = await openLockFile(path);
  try {
    const locked = await pollUntil(() => file.tryLock(EXCLUSIVE), {
      timeoutMs: options.waitMs ?? 0,
      intervalMs: LOCK_RETRY_INTERVAL_MS,
    });
    if (locked) return file;
  } catch (error) {
    file.close();
    throw new TendError("LOCK_FAILED", `Cannot lock "${path}": ${error}`, {
      cause: error,
    });
  }
  file.close();
  return null;
}

/**
 * Tells whether some process holds the lock on `path`, with a shared probe
 * that is released at once. `false` when the file does not exist.
 *
 * @example
 * ```ts ignore
 * if (await isLockHeld("/srv/app/.tend/run/supervisor.lock")) console.log("a supervisor runs");
 * ```
 */
export async function isLockHeld(path: string): Promise<boolean> {
  if (await statOwnFile(path) === null) return false;
  using file = await Deno.open(path, { read: true });
  const free = await file.tryLock(SHARED);
  if (free) await file.unlock();
  return !free;
}
