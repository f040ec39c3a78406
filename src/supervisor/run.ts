import { checkedConfigLoader } from "../config/checked.ts";
import { type WorkspacePaths, workspacePaths } from "../config/paths.ts";
import { messageOf, TendError } from "../errors.ts";
import { acquireLock } from "../fence/lock.ts";
import { ensureParentDir } from "../fence/parent_dir.ts";
import { readPidFile } from "../fence/pid_file.ts";
import { ensurePrivateDir, LOG_DIR_MODE } from "../fence/safe_file.ts";
import type { ActionResponse, Handshake } from "../ipc/protocol.ts";
import type { ControlHandler } from "../ipc/server.ts";
import { startLogRotation } from "../logs/log_rotation.ts";
import { Ticker } from "./ticker.ts";
import { retirePredecessor, watchFence } from "./guard.ts";
import { HeldLock } from "./held_lock.ts";
import { removeDescriptor, writeDescriptor } from "../workspace/descriptor.ts";
import { readBootId } from "../proc/identity.ts";
import { newToken, writeToken } from "../web/token.ts";
import { type Timing, TIMING_ENV } from "../timing.ts";
import { VERSION } from "../version.ts";
import { type Log, openSupervisorLog } from "./log.ts";
import { Supervisor } from "./supervisor.ts";
import { holdSpawning } from "./launch.ts";
import { httpService } from "./http.ts";
import { writeGitignore } from "../workspace/gitignore.ts";
import { controlHandler, listenControl, type Stop } from "./control.ts";
import { catchStrayErrors, listenForSignals } from "./process_events.ts";
import type { LaunchStart } from "../ipc/go.ts";
import { withLaunchStart } from "./launch_start.ts";

/** How long a new supervisor retries a lock that a status probe may hold. */
const LOCK_WAIT_MS = 1_000;

/** Options of {@linkcode runSupervisor}. */
export interface RunSupervisorOptions {
  root: string;
  configFile: string;
  /** In the foreground, signals stop every service before the exit. */
  foreground: boolean;
  /** Start every autostart service once serving (`tend up`). */
  startAll: boolean;
  /**
   * The start the launching CLI sent with its go, begun once serving
   * (`launch_start.ts`).
   */
  launchStart?: LaunchStart | null;
  /** Told once: serving, lost the lock race, or failed to start. */
  handshake?: (message: Handshake) => void;
  /** Told what starting every autostart service did (with `startAll`). */
  onStarted?: (response: ActionResponse) => void;
  /** Where a foreground supervisor mirrors its log lines. */
  terminal?: ((line: string) => void) | undefined;
  /** The fixed waits: fence checks, the shared tick, graces. */
  timing: Timing;
  /** `/proc/locks`, read ahead (`procLocksAhead` of guard.ts). */
  procLocks?: Promise<string | null> | null;
}

/**
 * Runs the supervisor of a workspace until it is told to stop. Returns the
 * exit status. Losing the lock to another supervisor is not an error in the
 * background: that one serves.
 */
export async function runSupervisor(
  options: RunSupervisorOptions,
): Promise<number> {
  const paths = workspacePaths(options.root);
  await ensurePrivateDir(paths.runDir);
  await writeGitignore(paths).catch(() => {}); // a nicety, never a reason to fail
  const lock = await acquireLock(paths.lockFile, { waitMs: LOCK_WAIT_MS });
  if (lock === null) {
    if (!options.foreground) {
      options.handshake?.({ ok: true, pid: Deno.pid, lost: true });
      return 0;
    }
    const pid = await readPidFile(paths.supervisorPidFile).catch(() => null);
    throw new TendError(
      "ALREADY_RUNNING",
      `Cannot start a supervisor: one already runs for "${paths.root}"${
        pid ? ` (pid ${pid})` : ""
      }`,
      { hint: 'Use "tend status", or "tend down" first' },
    );
  }
  const held = new HeldLock(paths.lockFile, lock);
  try {
    return await serve(paths, { ...options, lock: held });
  } finally {
    held.close();
  }
}

async function serve(
  paths: WorkspacePaths,
  options: RunSupervisorOptions & { lock: HeldLock },
): Promise<number> {
  const { lock } = options;
  // libc loaded for the supervisor's life: a relaunch after a crash would
  // load it for its one spawn (0.6 ms of the 2 ms from the exit to the
  // spawn, measured), as would every start.
  using _spawning = holdSpawning();
  lock.remember();
  // One loader for the supervisor's life: the text the CLI checked comes
  // from .tend/run/config.json (no zod, no TOML parser); it loads again only
  // a changed file.
  const loadConfig = checkedConfigLoader(options.configFile, {
    workspace: paths.root,
    runDir: paths.runDir,
  });
  const config = await loadConfig();
  await Deno.mkdir(paths.logDir, { recursive: true, mode: LOG_DIR_MODE });
  await ensureParentDir(config.daemon.logFile, { root: paths.root });
  await using log = await openSupervisorLog({
    file: config.daemon.logFile,
    maxBytes: config.daemon.logMaxBytes,
    backups: config.daemon.logBackups,
    extraSink: options.terminal,
  });
  using _net = catchStrayErrors(log);
  const bootId = await readBootId();
  const { timing } = options;
  await retirePredecessor(paths, {
    log,
    timeoutMs: 2 * timing.fenceCheckMs,
    procLocks: options.procLocks,
  });
  // Written while the services are recovered (neither reads the other's
  // files), and done, as before, before the control socket listens.
  const describing = writeDescriptor(paths, {
    config,
    bootId,
    log,
    mode: options.foreground ? "foreground" : "background",
  });
  describing.catch(() => {}); // awaited below
  const ticker = new Ticker({ tickMs: timing.tickMs });
  const supervisor = new Supervisor({
    paths,
    config,
    log,
    bootId,
    baseEnv: baseEnvironment(),
    loadConfig,
    ticker,
    timing,
  });
  // Its fsync overlaps the recovery's reads; done, as before, before the
  // control socket listens (a failed write fails the start as it did).
  const token = newToken();
  const writingToken = writeToken(paths.httpTokenFile, token);
  try {
    await supervisor.recover();
  } finally {
    await Promise.allSettled([writingToken, describing]);
  }
  await describing;
  await writingToken;
  await using _rotation = rotateServiceLogs(supervisor, {
    log,
    ticker,
    idleIntervalMs: timing.idleLogCheckMs,
  });
  const stop = Promise.withResolvers<Stop>();
  let handler: ControlHandler | null = null;
  await using http = httpService(paths, {
    token,
    supervisor,
    control: () => handler!,
    log,
  });
  handler = controlHandler(supervisor, { root: paths.root, stop, http });
  const launch = options.launchStart
    ? withLaunchStart(handler, options.launchStart)
    : null;
  if (launch) handler = launch.handler;
  const control = await listenControl(paths, { handler, log });
  launch?.begin();
  if (config.daemon.http !== null) {
    await http.ensure().catch((error) =>
      log.error("cannot serve the dashboard: {error}", {
        error: messageOf(error),
      })
    );
  }
  const fence = watchFence(paths, {
    lock: () => lock.inode,
    socket: () => control.socket,
    onLockLost: () => lock.retake({ log, stop }),
    onSocketLost: () => control.relisten(),
  }, { ticker, everyMs: timing.fenceCheckMs });
  log.info("supervisor {pid} serving {workspace} (tend {version})", {
    pid: Deno.pid,
    workspace: paths.root,
    version: VERSION,
  });
  const removeSignals = listenForSignals({
    supervisor,
    log,
    foreground: options.foreground,
    stop,
  });
  options.handshake?.({ ok: true, pid: Deno.pid, lost: false });
  // Not awaited before the stop: Ctrl-C cancels the starts in progress.
  const startingAll = options.startAll
    ? supervisor.start([]).then((started) => {
      if (!supervisor.closing) options.onStarted?.(started);
    }).catch((error) => {
      if (supervisor.closing) return;
      log.error("start: {error}", {
        error: messageOf(error),
      });
    })
    : Promise.resolve();
  const { stopServices, lockLost } = await stop.promise;
  supervisor.close();
  fence.stop();
  removeSignals();
  if (stopServices) {
    await supervisor.stopAll();
    await startingAll; // cancelled by the stop
  }
  await supervisor.detach();
  if (lockLost) {
    // The files and the socket path may be a successor's by now: leave them.
    log.info("supervisor {pid} stepped down; services keep running", {
      pid: Deno.pid,
    });
    return 0;
  }
  await control.close();
  await removeDescriptor(paths, config);
  log.info(
    stopServices
      ? "supervisor {pid} exits after stopping every service"
      : "supervisor {pid} exits; services keep running",
    { pid: Deno.pid },
  );
  return 0;
}

/**
 * Rotates every service's log by size while the supervisor runs (tend.log is
 * rotated by its own sink). The config is read at each check, so a reload
 * applies.
 */
function rotateServiceLogs(
  supervisor: Supervisor,
  options: { log: Log; ticker: Ticker; idleIntervalMs: number },
): AsyncDisposable {
  const { log, ticker } = options;
  const rotation = startLogRotation({
    ticker,
    idleIntervalMs: options.idleIntervalMs,
    targets: () =>
      supervisor.config.services.map((service) => ({
        file: service.logFile,
        maxBytes: service.logMaxBytes,
        backups: service.logBackups,
      })),
    log,
  });
  return { [Symbol.asyncDispose]: () => rotation.stop() };
}

/** The environment services start from: ours, without tend's own tags. */
function baseEnvironment(): Record<string, string> {
  const env = Deno.env.toObject();
  for (
    const key of [
      "TEND_WORKSPACE",
      "TEND_SERVICE",
      "TEND_SUPERVISOR",
      "PORT",
      "TEND_DEBUG",
      TIMING_ENV,
    ]
  ) delete env[key];
  return env;
}
