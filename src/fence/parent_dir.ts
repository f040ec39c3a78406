import { dirname, join } from "../_path.ts";
import { messageOf, TendError } from "../errors.ts";
import { LOG_DIR_MODE, PRIVATE_DIR_MODE } from "./safe_file.ts";

/** Options of {@linkcode ensureParentDir}. */
export interface EnsureParentDirOptions {
  /** The workspace root; directories under `<root>/.tend` are tend's own. */
  root: string;
}

/**
 * Creates the missing directories above `file` (a `log_file` or `pid_file`
 * of the config). Those under `<root>/.tend` are tend's own and get mode
 * 0700; elsewhere they get 0755 (less the umask), as `mkdir -p` would.
 * Directories that exist are left as they are. A failure is a
 * `START_FAILED` error naming the directory.
 *
 * @example
 * ```ts
 * import { ensureParentDir } from "./parent_dir.ts";
 * await ensureParentDir("/srv/app/logs/web/out.log", { root: "/srv/app" });
 * ```
 */
export function ensureParentDir(
  file: string,
  options: EnsureParentDirOptions,
): Promise<void> {
  try {
    ensureParentDirNow(file, options);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@linkcode ensureParentDir}, synchronously: a `mkdir` of a directory that
 * exists is microseconds, where a trip through Deno's thread pool, on the
 * path from a crash to the next spawn, cost up to milliseconds.
 */
export function ensureParentDirNow(
  file: string,
  options: EnsureParentDirOptions,
): void {
  const dir = dirname(file);
  // Mostly there already: a stat on this thread (microseconds) rather than a
  // trip through the thread pool, on the way of every spawn.
  if (isDirectoryNow(dir)) return;
  const own = join(options.root, ".tend");
  const mode = dir === own || dir.startsWith(`${own}/`)
    ? PRIVATE_DIR_MODE
    : LOG_DIR_MODE;
  try {
    Deno.mkdirSync(dir, { recursive: true, mode });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return;
    throw new TendError(
      "START_FAILED",
      `Cannot create directory "${dir}" for "${file}": ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** Whether `dir` is a directory now (following symlinks, as `mkdir -p` does). */
function isDirectoryNow(dir: string): boolean {
  try {
    return Deno.statSync(dir).isDirectory;
  } catch {
    return false;
  }
}
