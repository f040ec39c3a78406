import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { messageOf, TendError } from "../errors.ts";
import { statOwnFile } from "../fence/safe_file.ts";

/** Mode of log files that tend creates. */
const LOG_FILE_MODE = 0o644;

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
  await checkWorkingDirectory(request.cwd);
  await statOwnFile(request.logFile);
  let fd: number;
  try {
    fd = openSync(request.logFile, "a", LOG_FILE_MODE);
  } catch (error) {
    throw new TendError(
      "START_FAILED",
      `Cannot open log file "${request.logFile}": ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    return await launch(request, fd);
  } finally {
    closeSync(fd);
  }
}

function launch(request: SpawnRequest, fd: number): Promise<SpawnedProcess> {
  const child = spawn(request.command, [...request.args], {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      reject(
        new TendError(
          "START_FAILED",
          `Cannot run "${request.command}": ${spawnFailure(error)}`,
          { cause: error, hint: spawnHint(request.command, error) },
        ),
      );
    });
    child.once("spawn", () => {
      resolve({
        pid: child.pid!,
        exited,
        unref: () => child.unref(),
      });
    });
  });
}

async function checkWorkingDirectory(cwd: string): Promise<void> {
  let problem = "it is not a directory";
  try {
    const info = await Deno.stat(cwd);
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
  const code = (error as { code?: string }).code;
  if (code === "EACCES") {
    return `Make it executable ("chmod +x ${command}"), or run it through its interpreter`;
  }
  const words = command.trim().split(/\s+/);
  if (code === "ENOENT" && words.length > 1) {
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
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return "command not found";
  if (code === "EACCES") return "permission denied";
  return messageOf(error);
}
