import { messageOf, TendError } from "../errors.ts";
import { readAt } from "../_read_at.ts";

/** Mode of `.tend/run` and of the fallback socket directory. */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of `.tend/log` and of other log directories tend creates. */
export const LOG_DIR_MODE = 0o755;
/** Mode of the log files tend creates (services' and its own). */
export const LOG_FILE_MODE = 0o644;

/** Mode of the files tend writes under `.tend/run`. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `path` (and its parents) when absent, then makes sure it is a real
 * directory of ours with mode 0700. A symlink or a directory owned by another
 * user is refused with `PERMISSION_DENIED`, anything else in its place with
 * `FILE_IN_THE_WAY`.
 */
export async function ensurePrivateDir(path: string): Promise<void> {
  try {
    await Deno.mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw permissionError(path, error);
    }
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    throw permissionError(path, error);
  }
  if (info.isSymlink || !info.isDirectory) {
    throw new TendError(
      info.isSymlink ? "PERMISSION_DENIED" : "FILE_IN_THE_WAY",
      `Cannot use directory "${path}": it is ${describe(info)}`,
      { hint: "Remove it; tend recreates it" },
    );
  }
  refuseForeignOwner(path, info);
  if (info.mode !== null && (info.mode & 0o777) !== PRIVATE_DIR_MODE) {
    await Deno.chmod(path, PRIVATE_DIR_MODE);
  }
}

/**
 * Stats `path` without following a symlink and checks that it is a regular
 * file owned by this user; returns `null` when it does not exist.
 */
export async function statOwnFile(path: string): Promise<Deno.FileInfo | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw permissionError(path, error);
  }
  return checkOwnFile(path, info);
}

/**
 * {@linkcode statOwnFile}, synchronously: for the path from a crash to the
 * next spawn, where an async stat's trip through Deno's thread pool cost
 * milliseconds on a busy machine.
 */
export function statOwnFileNow(path: string): Deno.FileInfo | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw permissionError(path, error);
  }
  return checkOwnFile(path, info);
}

function checkOwnFile(path: string, info: Deno.FileInfo): Deno.FileInfo {
  if (info.isSymlink || !info.isFile) {
    throw new TendError(
      info.isSymlink ? "PERMISSION_DENIED" : "FILE_IN_THE_WAY",
      `Cannot use "${path}": it is ${describe(info)}, not a regular file`,
      {
        hint: info.isSymlink
          ? "Remove it; tend never follows a link to a file it keeps"
          : "Remove it; tend recreates it",
      },
    );
  }
  refuseForeignOwner(path, info);
  return info;
}

/**
 * Reads a small file of ours as text; `null` when absent. Files larger than
 * `maxBytes` are reported as corrupted rather than read.
 */
export async function readOwnFile(
  path: string,
  options: { maxBytes: number },
): Promise<string | null> {
  const info = await statOwnFile(path);
  if (info === null) return null;
  if (info.size > options.maxBytes) {
    throw new TendError(
      "PID_FILE_CORRUPTED",
      `Cannot read "${path}": ${info.size} bytes is too large for this file`,
      { hint: `Remove "${path}"` },
    );
  }
  try {
    using file = await Deno.open(path, { read: true });
    const opened = await file.stat();
    if (opened.ino !== info.ino || opened.dev !== info.dev) {
      throw new TendError(
        "PERMISSION_DENIED",
        `Cannot read "${path}": it was replaced while being read`,
      );
    }
    return new TextDecoder().decode(await readAt(file, 0, info.size));
  } catch (error) {
    if (error instanceof TendError) throw error;
    if (error instanceof Deno.errors.NotFound) return null;
    throw permissionError(path, error);
  }
}

/**
 * Options of {@linkcode writeAtomic} and {@linkcode createExclusive}.
 *
 * @example
 * ```ts ignore
 * await writeAtomic("/srv/app/.tend/run/state.json", "{}", { mode: 0o600 });
 * ```
 */
export interface WriteOptions {
  /** File mode. @default {0o600} */
  mode?: number;
  /**
   * fsync before the file appears. Files whose content means nothing after a
   * reboot (PIDs: the boot id changes) can skip it. @default {true}
   */
  sync?: boolean;
}

/**
 * Replaces `path` atomically with `data`: a temp file beside it, fsync, then
 * rename. A symlink at `path` is replaced, never followed.
 *
 * @example
 * ```ts ignore
 * await writeAtomic("/srv/app/.tend/run/state.json", JSON.stringify(state));
 * ```
 */
export async function writeAtomic(
  path: string,
  data: string,
  options: WriteOptions = {},
): Promise<void> {
  const temp = await writeTemp(path, data, options);
  try {
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw permissionError(path, error);
  }
}

/**
 * Creates `path` with `data` only when it does not exist, atomically (temp
 * file + link), so a reader never sees it empty. Returns `false` when `path`
 * already exists (symlinks included).
 *
 * @example
 * ```ts ignore
 * const created = await createExclusive("/srv/app/.tend/run/web.pid", "4242\n");
 * ```
 */
export async function createExclusive(
  path: string,
  data: string,
  options: WriteOptions = {},
): Promise<boolean> {
  const temp = await writeTemp(path, data, options);
  try {
    await Deno.link(temp, path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw permissionError(path, error);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/**
 * Removes `path` if it exists (a symlink itself, never its target); `false`
 * when there was nothing to remove.
 */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    const info = await Deno.lstat(path).catch(() => null);
    throw removalError(path, { error, isDirectory: info?.isDirectory });
  }
}

/**
 * {@linkcode removeIfPresent}, synchronously: a PID file removed when its
 * process is gone must be gone before the next spawn writes the new one, so
 * that the late removal of the old one can never take the new one away.
 */
export function removeIfPresentNow(path: string): boolean {
  try {
    Deno.removeSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    let info: Deno.FileInfo | null = null;
    try {
      info = Deno.lstatSync(path);
    } catch {
      // Gone, or unreadable: the removal's own error says why.
    }
    throw removalError(path, { error, isDirectory: info?.isDirectory });
  }
}

/** Why `path` could not be removed: a directory in the way, or permissions. */
function removalError(
  path: string,
  found: { error: unknown; isDirectory: boolean | undefined },
): TendError {
  if (found.isDirectory) {
    return new TendError(
      "FILE_IN_THE_WAY",
      `Cannot remove "${path}": it is a directory where tend keeps a file`,
      { hint: `Remove the directory "${path}"`, cause: found.error },
    );
  }
  return permissionError(path, found.error);
}

/** Maps a filesystem error on `path` to a `TendError`. */
export function permissionError(path: string, error: unknown): TendError {
  const reason = messageOf(error);
  return new TendError(
    "PERMISSION_DENIED",
    `Cannot access "${path}": ${reason}`,
    { cause: error },
  );
}

async function writeTemp(
  path: string,
  data: string,
  options: WriteOptions,
): Promise<string> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const temp = `${path}.${Deno.pid}.${suffix}.tmp`;
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  try {
    using file = await Deno.open(temp, { write: true, createNew: true, mode });
    const bytes = new TextEncoder().encode(data);
    let written = 0;
    while (written < bytes.length) {
      written += await file.write(bytes.subarray(written));
    }
    if (options.sync ?? true) await file.sync();
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw permissionError(path, error);
  }
  return temp;
}

function refuseForeignOwner(path: string, info: Deno.FileInfo): void {
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw new TendError(
      "PERMISSION_DENIED",
      `Cannot use "${path}": it belongs to user ${info.uid}, not to you (${uid})`,
    );
  }
}

function describe(info: Deno.FileInfo): string {
  if (info.isSymlink) return "a symbolic link";
  if (info.isFile) return "a regular file";
  return fileKind(info);
}

/** What a file that is not regular is, for a message: "a FIFO". */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  return "a special file";
}
