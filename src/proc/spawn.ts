import { messageOf, TendError } from "../errors.ts";
import { LOG_FILE_MODE, statOwnFileNow } from "../fence/safe_file.ts";
import { holdLibc, type LogFd, openLogFd, openLogFdNow } from "./log_fd.ts";
import { sessionCommand, untilSessionLeader } from "./session_spawn.ts";

/** How a process ended: an exit code or the signal that killed it. */
export interface ExitStatus {
  /** The exit code, or `null` when a signal ended the process. */
  code: number | null;
  /** The signal name (`"SIGKILL"`), or `null`. */
  signal: string | null;
}

/** What to run. */
export interface SpawnRequest {
  /** The program, looked up on PATH. */
  command: string;
  /** Its arguments, passed as they are (no shell). */
  args: readonly string[];
  /** Absolute working directory. */
  cwd: string;
  /** The complete environment of the child. */
  env: Record<string, string>;
  /** stdout and stderr are appended to this file by the child itself. */
  logFile: string;
}

/** A running child of this process. */
export interface SpawnedProcess {
  /** Its PID, also its process group and session id. */
  readonly pid: number;
  /** Resolves when it exits. */
  readonly exited: Promise<ExitStatus>;
  /** Lets this process exit while the child runs on. */
  unref(): void;
}

/**
 * Starts `request.command` in a new session (so its own process group), with
 * stdin on /dev/null and stdout+stderr appended directly to the log file: the
 * child owns the file descriptor and keeps logging if its parent dies.
 */
export async function spawnDetached(
  request: SpawnRequest,
): Promise<SpawnedProcess> {
  // Synchronous checks: microseconds each, no trip through a thread pool on
  // the way from a crash to the next spawn.
  checkWorkingDirectory(request.cwd);
  statOwnFileNow(request.logFile);
  // One load of libc for the open and the close of the log's fd.
  using _libc = holdLibc();
  let log: LogFd;
  try {
    log = openLogFdNow(request.logFile, LOG_FILE_MODE) ??
      await openLogFd(request.logFile, LOG_FILE_MODE);
  } catch (error) {
    throw new TendError(
      "START_FAILED",
      `Cannot open log file "${request.logFile}": ${messageOf(error)}`,
      { cause: error },
    );
  }
  let spawned: { child: SpawnedProcess; viaSetsid: boolean };
  try {
    spawned = launch(request, log.fd);
  } finally {
    log.close();
  }
  const { child, viaSetsid } = spawned;
  if (viaSetsid) await untilSessionLeader(child.pid, child.exited);
  return child;
}

/**
 * `Deno.Command` with `detached` (setsid) and the log's raw fd as stdout and
 * stderr (accepted by the runtime though not in its types; PLATFORM.md §3d):
 * unlike `node:child_process`, it loads no Node compatibility layer (5 to 7
 * MiB of the supervisor's RSS) and its exit comes straight from the pidfd.
 */
function launch(
  request: SpawnRequest,
  fd: number,
): { child: SpawnedProcess; viaSetsid: boolean } {
  const logFd = fd as unknown as "null";
  // setsid(1) rather than a fork of this process (see session_spawn.ts).
  const session = sessionCommand(request);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(session?.command ?? request.command, {
      args: session?.args ?? [...request.args],
      cwd: request.cwd,
      env: request.env,
      clearEnv: true,
      detached: session === null,
      stdin: "null",
      stdout: logFd,
      stderr: logFd,
    }).spawn();
  } catch (error) {
    throw new TendError(
      "START_FAILED",
      `Cannot run "${request.command}": ${spawnFailure(error)}`,
      { cause: error, hint: spawnHint(request.command, error) },
    );
  }
  const exited = child.status.then((status): ExitStatus =>
    status.signal === null
      ? { code: status.code, signal: null }
      : { code: null, signal: status.signal }
  );
  return {
    child: { pid: child.pid, exited, unref: () => child.unref() },
    viaSetsid: session !== null,
  };
}

/** Throws `START_FAILED` unless `cwd` is a directory, naming what it is instead. */
export function checkWorkingDirectory(cwd: string): void {
  let problem = "it is not a directory";
  try {
    const info = Deno.statSync(cwd);
    if (info.isDirectory) return;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) problem = "it does not exist";
    else problem = messageOf(error);
  }
  throw new TendError(
    "START_FAILED",
    `Cannot use working_directory "${cwd}": ${problem}`,
    { hint: "Create it, or fix working_directory in tend.toml" },
  );
}

/** What to do about a command that could not be run. */
function spawnHint(command: string, error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied) {
    return `Make it executable ("chmod +x ${command}"), or run it through its interpreter`;
  }
  const words = command.trim().split(/\s+/);
  if (error instanceof Deno.errors.NotFound && words.length > 1) {
    const [program, ...rest] = words;
    return `command is one program name: use command = ${
      JSON.stringify(program)
    } with args = ${
      JSON.stringify(rest)
    }, or command = "sh" with args = ["-c", ${JSON.stringify(command)}]`;
  }
  return "Check the command and PATH in tend.toml";
}

function spawnFailure(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "command not found";
  if (error instanceof Deno.errors.PermissionDenied) {
    return "permission denied";
  }
  return messageOf(error);
}
