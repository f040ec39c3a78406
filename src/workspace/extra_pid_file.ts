import { parsePid } from "../fence/pid_file.ts";
import {
  readOwnFile,
  removeIfPresent,
  writeAtomic,
} from "../fence/safe_file.ts";
import { readBootId, readIdentity } from "../proc/identity.ts";

/** Where a pid_file that cannot be claimed is reported: the supervisor's log. */
export interface ExtraPidFileLog {
  warn(message: string, properties?: Record<string, unknown>): void;
}

/** mi7soft-daemon's `pid_file` is world-readable, as its own was. */
const EXTRA_PID_FILE_MODE = 0o644;

/** A PID file holds one number and a newline; anything longer is not one. */
const PID_FILE_MAX_BYTES = 32;

/** What is found at a `pid_file` path before tend writes or removes it. */
export type PidFileFinding =
  | { kind: "absent" }
  | { kind: "ours" }
  | { kind: "dead"; pid: number }
  | { kind: "live"; pid: number }
  | { kind: "unreadable"; reason: string };

/** What to do with the `pid_file` on start (write) or on exit (remove). */
export type PidFileAction = "write" | "remove" | "keep";

/**
 * Decides what a supervisor may do with mi7soft-daemon's `pid_file`: a file
 * that names another live process (another supervisor: the real
 * mi7soft-daemon, or tend in another workspace sharing the path) or that
 * tend cannot read is never overwritten or deleted.
 *
 * @example
 * ```ts
 * pidFileAction({ kind: "live", pid: 42 }, { phase: "start" }); // "keep"
 * pidFileAction({ kind: "dead", pid: 42 }, { phase: "start" }); // "write"
 * ```
 */
export function pidFileAction(
  found: PidFileFinding,
  options: { phase: "start" | "exit" },
): PidFileAction {
  if (options.phase === "exit") {
    return found.kind === "ours" ? "remove" : "keep";
  }
  return found.kind === "live" || found.kind === "unreadable"
    ? "keep"
    : "write";
}

/** Reads `path` and tells whose PID it holds. */
export async function inspectPidFile(path: string): Promise<PidFileFinding> {
  let text: string | null;
  try {
    text = await readOwnFile(path, { maxBytes: PID_FILE_MAX_BYTES });
  } catch (error) {
    return { kind: "unreadable", reason: String(error) };
  }
  if (text === null || text.trim() === "") return { kind: "absent" };
  const pid = parsePid(text);
  if (pid === null) return { kind: "dead", pid: 0 };
  if (pid === Deno.pid) return { kind: "ours" };
  const bootId = await readBootId();
  const alive = await readIdentity(pid, bootId).catch(() => null);
  return alive === null ? { kind: "dead", pid } : { kind: "live", pid };
}

/**
 * Writes this supervisor's PID to mi7soft-daemon's `pid_file` (so
 * `kill -HUP $(cat pid_file)` reaches it), unless the file names another
 * live process or cannot be read: that file is left as it is, with a warning.
 */
export async function claimExtraPidFile(
  path: string,
  options: { log: ExtraPidFileLog },
): Promise<void> {
  const found = await inspectPidFile(path);
  if (pidFileAction(found, { phase: "start" }) === "keep") {
    options.log.warn("pid_file {file} left unchanged: {why}", {
      file: path,
      why: found.kind === "live"
        ? `it names live process ${found.pid}, not this supervisor`
        : found.kind === "unreadable"
        ? found.reason
        : "",
    });
    return;
  }
  await writeAtomic(path, `${Deno.pid}\n`, {
    mode: EXTRA_PID_FILE_MODE,
    sync: false,
  }).catch((error) =>
    options.log.warn("cannot write pid_file {file}: {error}", {
      file: path,
      error: String(error),
    })
  );
}

/** Removes mi7soft-daemon's `pid_file` only when it still holds this PID. */
export async function releaseExtraPidFile(path: string): Promise<void> {
  const found = await inspectPidFile(path);
  if (pidFileAction(found, { phase: "exit" }) !== "remove") return;
  await removeIfPresent(path).catch(() => {});
}
