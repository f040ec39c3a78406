import { isErrorCode, TendError } from "../errors.ts";
import { acquireLock } from "../fence/lock.ts";
import { ensurePrivateDir, LOG_DIR_MODE } from "../fence/safe_file.ts";
import type { ControlClient } from "../ipc/client.ts";
import type { Handshake } from "../supervisor/run.ts";
import { tailLines } from "../logs/tail.ts";
import { openLogFd } from "../proc/log_fd.ts";
import { socketBlocker, type Workspace } from "../workspace/workspace.ts";
import { connect } from "./_workspace.ts";

/** How long a CLI waits for another CLI that is launching a supervisor. */
const LAUNCH_LOCK_WAIT_MS = 30_000;
/** How long a new supervisor may take to answer. */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** How often the socket is retried after a lost lock race. */
const PING_RETRY_INTERVAL_MS = 25;

/**
 * Permissions of tend when it re-runs itself through `deno run`: Deno 2.9
 * grants reads of /proc (identity, scans) only with --allow-all.
 */
export const PERMISSION_FLAGS = [
  "--allow-all",
];

/**
 * Returns a client of the workspace's supervisor, launching a background
 * supervisor when none answers. Launches are serialised by a lock, so many
 * concurrent `tend start` spawn one supervisor; should two race anyway, the
 * workspace lock lets one serve and the other exit.
 */
export async function ensureSupervisor(ws: Workspace): Promise<ControlClient> {
  const existing = await connect(ws);
  if (existing) return existing;
  await ensurePrivateDir(ws.paths.runDir);
  await Deno.mkdir(ws.paths.logDir, { recursive: true, mode: LOG_DIR_MODE });
  const launchLock = await acquireLock(ws.paths.launchLockFile, {
    waitMs: LAUNCH_LOCK_WAIT_MS,
  });
  if (launchLock === null) {
    throw new TendError(
      "LOCK_FAILED",
      `Cannot launch a supervisor: another tend has held "${ws.paths.launchLockFile}" for ${
        LAUNCH_LOCK_WAIT_MS / 1000
      } s`,
    );
  }
  try {
    const raced = await connect(ws);
    if (raced) return raced;
    const handshake = await spawnSupervisor(ws);
    if (!handshake.ok) {
      const { code, message, hint } = handshake.error;
      throw new TendError(isErrorCode(code) ? code : "START_FAILED", message, {
        hint,
      });
    }
    return await waitForSupervisor(ws);
  } finally {
    launchLock.close();
  }
}

/**
 * V8 flags of the supervisor, a long-lived and mostly idle process: a 1 MiB
 * young generation (84 → 72 MiB RSS with 100 services, measured), and lite
 * mode (no optimizing compiler, feedback allocated lazily: 61 → 57.5 MiB with
 * 100 services; the supervisor runs little code, and none of it hot). A
 * compiled tend has them built in (`deno task compile`).
 */
export const SUPERVISOR_V8_FLAGS = "--max-semi-space-size=1,--lite-mode";

/** The path of a `file:` URL (POSIX). */
function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** The command line that runs this same tend with `args`. */
export function selfCommand(
  args: readonly string[],
  options: { v8Flags?: string } = {},
): { command: string; args: string[] } {
  if (Deno.build.standalone) {
    return { command: Deno.execPath(), args: [...args] };
  }
  const main = fromFileUrl(new URL("../../main.ts", import.meta.url));
  const config = fromFileUrl(new URL("../../deno.json", import.meta.url));
  return {
    command: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      ...PERMISSION_FLAGS,
      ...(options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : []),
      "--config",
      config,
      main,
      ...args,
    ],
  };
}

/**
 * Spawns the background supervisor with `Deno.Command` (no Node layer to
 * load: 30 ms of CPU on this path, measured), its stderr appended to its log.
 */
async function spawnSupervisor(ws: Workspace): Promise<Handshake> {
  const self = selfCommand(
    ["__supervise", "-C", ws.root, "-c", ws.configFile],
    { v8Flags: SUPERVISOR_V8_FLAGS },
  );
  const log = await openLogFd(ws.paths.supervisorLog, 0o644);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(self.command, {
      args: self.args,
      cwd: ws.root,
      env: { TEND_SUPERVISOR: ws.root },
      detached: true,
      stdin: "null",
      stdout: "piped",
      stderr: log.fd as unknown as "null",
    }).spawn();
  } catch (error) {
    throw new TendError(
      "START_FAILED",
      `Cannot start the supervisor: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  } finally {
    log.close();
  }
  try {
    return await readHandshake(child, ws);
  } finally {
    child.unref();
  }
}

/** The supervisor's one-line answer, its exit before it, or a timeout. */
async function readHandshake(
  child: Deno.ChildProcess,
  ws: Workspace,
): Promise<Handshake> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() =>
      reject(
        new TendError(
          "START_FAILED",
          `Cannot start the supervisor: no answer within ${
            HANDSHAKE_TIMEOUT_MS / 1000
          } s`,
          { hint: `See "${ws.paths.supervisorLog}"` },
        ),
      ), HANDSHAKE_TIMEOUT_MS);
  });
  const exited = child.status.then(async (status): Promise<never> => {
    const tail = await tailLines(ws.paths.supervisorLog, { lines: 10 });
    throw new TendError(
      "START_FAILED",
      `Cannot start the supervisor: it exited (${
        status.signal ?? `code ${status.code}`
      }) before answering`,
      {
        hint: tail
          ? `Last lines of ${ws.paths.supervisorLog}:\n${tail}`
          : undefined,
      },
    );
  });
  exited.catch(() => {}); // an exit after the answer is not an error
  const reader = child.stdout.getReader();
  try {
    return await Promise.race([firstLine(reader), exited, late]);
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
}

/** Parses the first line read as the handshake; never settles at EOF. */
async function firstLine(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<Handshake> {
  const decoder = new TextDecoder();
  let buffer = "";
  while (true) {
    const { value, done } = await reader.read().catch(() => ({
      value: undefined,
      done: true,
    }));
    if (done || value === undefined) break;
    buffer += decoder.decode(value, { stream: true });
    const newline = buffer.indexOf("\n");
    if (newline === -1) continue;
    try {
      return JSON.parse(buffer.slice(0, newline)) as Handshake;
    } catch {
      throw new TendError(
        "START_FAILED",
        "Cannot start the supervisor: it answered with garbage",
      );
    }
  }
  return await new Promise<never>(() => {}); // the exit reports it
}

/**
 * How long something other than a socket may sit at the socket path before
 * the wait ends: a live supervisor checks its socket every 5 s and
 * listens again when it can remove what is there.
 */
const SOCKET_REPAIR_GRACE_MS = 7_000;

async function waitForSupervisor(ws: Workspace): Promise<ControlClient> {
  const deadline = Date.now() + HANDSHAKE_TIMEOUT_MS;
  let blockedSince: number | null = null;
  while (Date.now() < deadline) {
    const client = await connect(ws);
    if (client) return client;
    const blocker = await socketBlocker(ws.paths.socket);
    if (blocker === null) {
      blockedSince = null;
    } else if (blockedSince === null) {
      blockedSince = Date.now();
    } else if (Date.now() - blockedSince > SOCKET_REPAIR_GRACE_MS) {
      throw new TendError(
        "FILE_IN_THE_WAY",
        `Cannot reach the supervisor of "${ws.root}": ${blocker} is where its socket "${ws.paths.socket}" belongs`,
        {
          hint:
            `Remove "${ws.paths.socket}"; the supervisor listens again within 5 s`,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, PING_RETRY_INTERVAL_MS));
  }
  throw new TendError(
    "NOT_RUNNING",
    `Cannot reach the supervisor of "${ws.root}": it holds the lock but does not answer`,
    {
      hint: `See "${ws.paths.supervisorLog}"`,
    },
  );
}
