import { join } from "../_path.ts";

/**
 * Where tend keeps the files of one workspace.
 *
 * @example
 * ```ts ignore
 * const { socket, stateFile }: WorkspacePaths = workspacePaths("/srv/app");
 * ```
 */
export interface WorkspacePaths {
  /** The workspace directory (absolute). */
  readonly root: string;
  /** `<root>/.tend`. */
  readonly stateDir: string;
  /** `<root>/.tend/run` (mode 0700). */
  readonly runDir: string;
  /** `<root>/.tend/log`. */
  readonly logDir: string;
  /** The flock that fences the one supervisor; never deleted. */
  readonly lockFile: string;
  /** The flock that serialises CLIs launching a supervisor. */
  readonly launchLockFile: string;
  /** The supervisor's plain PID. */
  readonly supervisorPidFile: string;
  /** The supervisor's descriptor (JSON). */
  readonly supervisorJson: string;
  /** Desired and observed state of every service (JSON). */
  readonly stateFile: string;
  /** The control socket. */
  readonly socket: string;
  /** The supervisor's own log. */
  readonly supervisorLog: string;
  /** The token of the HTTP API and dashboard (0600, new at each start). */
  readonly httpTokenFile: string;
}

/** Longest unix socket path we use; the kernel limit is 107 bytes. */
const SOCKET_PATH_MAX_BYTES = 100;

/**
 * The file layout of the workspace at `root` (absolute).
 *
 * @example
 * ```ts ignore
 * workspacePaths("/srv/app").lockFile; // "/srv/app/.tend/run/supervisor.lock"
 * ```
 */
export function workspacePaths(root: string): WorkspacePaths {
  const stateDir = join(root, ".tend");
  const runDir = join(stateDir, "run");
  const logDir = join(stateDir, "log");
  return {
    root,
    stateDir,
    runDir,
    logDir,
    lockFile: join(runDir, "supervisor.lock"),
    launchLockFile: join(runDir, "launch.lock"),
    supervisorPidFile: join(runDir, "supervisor.pid"),
    supervisorJson: join(runDir, "supervisor.json"),
    stateFile: join(runDir, "state.json"),
    socket: socketPath(runDir),
    supervisorLog: join(logDir, "tend.log"),
    httpTokenFile: join(runDir, "http.token"),
  };
}

/**
 * The PID file of one service.
 *
 * @example
 * ```ts ignore
 * servicePidFile(workspacePaths("/srv/app"), "web"); // ".../.tend/run/web.pid"
 * ```
 */
export function servicePidFile(paths: WorkspacePaths, name: string): string {
  return join(paths.runDir, `${name}.pid`);
}

/** The default log file of one service. */
export function serviceLogFile(paths: WorkspacePaths, name: string): string {
  return join(paths.logDir, `${name}.log`);
}

/**
 * The control socket: `.tend/run/tend.sock`, or, when that path is too long
 * for a unix socket, a short name derived from the workspace path inside a
 * 0700 directory of the user's (`$XDG_RUNTIME_DIR` or `/tmp/tend-<uid>`).
 */
function socketPath(runDir: string): string {
  const local = join(runDir, "tend.sock");
  if (new TextEncoder().encode(local).length <= SOCKET_PATH_MAX_BYTES) {
    return local;
  }
  return join(shortSocketDir(), `${fnv1a(runDir)}.sock`);
}

/** The directory for sockets whose workspace path is too long. */
export function shortSocketDir(): string {
  const runtime = Deno.env.get("XDG_RUNTIME_DIR");
  if (runtime && runtime.length < 60) return join(runtime, "tend");
  return `/tmp/tend-${Deno.uid() ?? "user"}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
