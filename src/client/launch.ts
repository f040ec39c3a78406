import { isErrorCode, messageOf, TendError } from "../errors.ts";
import { acquireLock, isLockHeld } from "../fence/lock.ts";
import {
  ensurePrivateDir,
  LOG_DIR_MODE,
  LOG_FILE_MODE,
} from "../fence/safe_file.ts";
import type { ControlClient } from "../ipc/client.ts";
import type { Handshake } from "../ipc/protocol.ts";
import { tailLines } from "../logs/tail.ts";
import { openLogFd } from "../proc/log_fd.ts";
import type { Timing } from "../timing.ts";
import { socketBlocker, type Workspace } from "../workspace/workspace.ts";
import { connect, loadClient } from "./workspace.ts";
import { lazyImport } from "../_lazy.ts";
import { sleep } from "../_async.ts";
import { selfCommand, supervisorRunFlags } from "./self_command.ts";
import { takeStandby } from "./standby.ts";
import { goLine, type LaunchStart } from "../ipc/go.ts";

/** How long a CLI waits for another CLI that is launching a supervisor. */
const LAUNCH_LOCK_WAIT_MS = 30_000;
/** How long a new supervisor may take to answer. */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** How often the socket is retried after a lost lock race. */
const PING_RETRY_INTERVAL_MS = 25;

/**
 * Returns a client of the workspace's supervisor, launching a background
 * supervisor when none answers. Launches are serialised by a lock, so many
 * concurrent `tend start` spawn one supervisor; should two race anyway, the
 * workspace lock lets one serve and the other exit.
 */
export async function ensureSupervisor(
  ws: Workspace,
  options: {
    timing: Timing;
    /** The start the caller asks for next, begun at once by a standby. */
    launchStart?: LaunchStart | undefined;
  },
): Promise<ControlClient> {
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
    await refuseForeignLockHolder(ws);
    const handshake = await launchSupervisor(ws, options.launchStart);
    if (!handshake.ok) {
      const { code, message, hint } = handshake.error;
      throw new TendError(isErrorCode(code) ? code : "START_FAILED", message, {
        hint,
      });
    }
    return await waitForSupervisor(ws, {
      timing: options.timing,
      answered: handshake,
    });
  } finally {
    launchLock.close();
  }
}

/**
 * Throws `LOCK_FAILED` when the workspace lock is held by a process that is
 * no supervisor; the code that tells (scans, the descriptor's schema) loads
 * only when the lock is held at all, which it is not on a cold start.
 */
async function refuseForeignLockHolder(ws: Workspace): Promise<void> {
  if (!await isLockHeld(ws.paths.lockFile)) return;
  const { refuseForeignLockHolder } = await lazyImport<
    typeof import("../workspace/lock_owner.ts")
  >(new URL("../workspace/lock_owner.ts", import.meta.url));
  await refuseForeignLockHolder(ws.paths, {
    action: "start a supervisor for",
  });
}

/**
 * Tells the standby launched for `ws` (see `standby.ts`) to go, and to
 * begin `start`, and reads its handshake; spawns a supervisor when there is
 * no standby, or when it ended without a handshake (it died before it could
 * go: the usual launch then fails, or not, with the usual report).
 */
async function launchSupervisor(
  ws: Workspace,
  start: LaunchStart | undefined,
): Promise<Handshake> {
  const standby = takeStandby(ws);
  if (standby !== null) {
    const { child } = standby;
    try {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(goLine(start)));
      await writer.close();
      // Loaded while the supervisor starts, not before the go.
      loadClient().catch(() => {});
      const answer = await answerOf(child, ws);
      if (!("exited" in answer)) return answer;
    } catch (error) {
      if (error instanceof TendError) throw error;
      // A closed pipe: it is gone.
    } finally {
      child.unref();
    }
    await child.status;
  }
  return await spawnSupervisor(ws);
}

/**
 * Spawns the background supervisor with `Deno.Command` (no Node layer to
 * load: 30 ms of CPU on this path, measured), its stderr appended to its log.
 */
async function spawnSupervisor(ws: Workspace): Promise<Handshake> {
  const self = selfCommand(
    ["__supervise", "-C", ws.root, "-c", ws.configFile],
    { runFlags: supervisorRunFlags() },
  );
  const log = await openLogFd(ws.paths.supervisorLog, LOG_FILE_MODE);
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
      `Cannot start the supervisor: ${messageOf(error)}`,
      { cause: error },
    );
  } finally {
    log.close();
  }
  try {
    const answer = await answerOf(child, ws);
    if (!("exited" in answer)) return answer;
    throw new TendError(
      "START_FAILED",
      `Cannot start the supervisor: it exited (${answer.exited}) before answering`,
      { hint: await logTailHint(ws) },
    );
  } finally {
    child.unref();
  }
}

/**
 * The handshake of the launched `child`: its first stdout line, read as a
 * stream; or how it exited when it closed its stdout without one.
 */
async function answerOf(
  child: Deno.ChildProcess,
  ws: Workspace,
): Promise<Handshake | { exited: string }> {
  const exited = child.status.then((status) =>
    status.signal ?? `code ${status.code}`
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
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
  try {
    const { readHandshake } = await lazyImport<
      typeof import("../ipc/handshake.ts")
    >(new URL("../ipc/handshake.ts", import.meta.url));
    const reading = readHandshake(child.stdout);
    // Lost once the race is decided otherwise: the stream is cancelled below.
    reading.catch(() => {});
    const answer = await Promise.race([reading, timedOut]);
    if (answer !== null) return answer;
    return { exited: await Promise.race([exited, timedOut]) };
  } finally {
    clearTimeout(timer);
    child.stdout.cancel().catch(() => {});
  }
}

/** The last lines of the supervisor log, as a hint; none when it is empty. */
async function logTailHint(ws: Workspace): Promise<string | undefined> {
  const tail = await tailLines(ws.paths.supervisorLog, { lines: 10 })
    .catch(() => "");
  return tail ? `Last lines of ${ws.paths.supervisorLog}:\n${tail}` : undefined;
}

/**
 * Waits for the supervisor that holds the lock to answer: the one that
 * `answered`, or the one it lost the lock to. The wait ends at once when no
 * process holds the lock any more: that supervisor has exited (killed
 * between its handshake and the first connection, say), and nothing will
 * answer. Something other than a socket may sit at the socket path for
 * `timing.socketGraceMs` before the wait ends: a live supervisor checks its
 * socket every `timing.fenceCheckMs` and listens again when it can remove
 * what is there.
 */
async function waitForSupervisor(
  ws: Workspace,
  options: { timing: Timing; answered: Handshake & { ok: true } },
): Promise<ControlClient> {
  const { timing } = options;
  const deadline = Date.now() + HANDSHAKE_TIMEOUT_MS;
  let blockedSince: number | null = null;
  while (Date.now() < deadline) {
    const client = await connect(ws);
    if (client) return client;
    // A lock fd is never inherited (O_CLOEXEC, PLATFORM.md 1d): a free lock
    // means no supervisor runs. A failed probe proves nothing: wait on.
    if (!await isLockHeld(ws.paths.lockFile).catch(() => true)) {
      throw await exitedAfterAnswer(ws, options.answered);
    }
    const blocker = await socketBlocker(ws.paths.socket);
    if (blocker === null) {
      blockedSince = null;
    } else if (blockedSince === null) {
      blockedSince = Date.now();
    } else if (Date.now() - blockedSince > timing.socketGraceMs) {
      throw new TendError(
        "FILE_IN_THE_WAY",
        `Cannot reach the supervisor of "${ws.root}": ${blocker} is where its socket "${ws.paths.socket}" belongs`,
        {
          hint:
            `Remove "${ws.paths.socket}"; the supervisor listens again within ${
              timing.fenceCheckMs / 1000
            } s`,
        },
      );
    }
    await sleep(PING_RETRY_INTERVAL_MS);
  }
  throw new TendError(
    "NOT_RUNNING",
    `Cannot reach the supervisor of "${ws.root}": it holds the lock but does not answer`,
    {
      hint: `See "${ws.paths.supervisorLog}"`,
    },
  );
}

/** The error of a supervisor wait that nobody will answer any more. */
async function exitedAfterAnswer(
  ws: Workspace,
  answered: Handshake & { ok: true },
): Promise<TendError> {
  const who = answered.lost
    ? "the supervisor that holds the workspace lock exited before answering"
    : `it (pid ${answered.pid}) exited right after it answered`;
  return new TendError("START_FAILED", `Cannot start the supervisor: ${who}`, {
    hint: await logTailHint(ws),
  });
}
