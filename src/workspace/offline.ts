import type { Config } from "../config/schema.ts";
import { servicePidFile } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import { acquireLock, isLockHeld } from "../fence/lock.ts";
import { readPidFile } from "../fence/pid_file.ts";
import { ensurePrivateDir, removeIfPresent } from "../fence/safe_file.ts";
import type {
  ActionResult,
  CleanupResponse,
  ServiceStatus,
  StatusResponse,
  SupervisorStatus,
} from "../ipc/protocol.ts";
import { identityMatches } from "../proc/identity.ts";
import { endGroup, stopSignalOf } from "./end_group.ts";
import { foreignLockError, lockOwner } from "./lock_owner.ts";
import { retireSupervisor } from "./retire_supervisor.ts";
import { pidFileLeader, type RecordedLeader } from "./pid_file_leader.ts";
import { addUsage, UsageSampler } from "./usage.ts";
import {
  emptyState,
  readState,
  type ServiceRecord,
  writeState,
} from "./state_file.ts";
import { cleanWorkspace } from "./cleanup.ts";
import { readBootId } from "../proc/identity.ts";
import { readDescriptor } from "./descriptor.ts";
import { socketBlocker, type Workspace } from "./workspace.ts";

/** Why a running service has no supervisor's eye on it. */
const UNWATCHED = "no supervisor is watching it";

/**
 * The status of a workspace whose supervisor does not answer, from
 * state.json and PID files checked against live processes: a record whose
 * identity matches is `running`, one whose PID is gone or reused is `stale`.
 */
export async function offlineStatus(
  ws: Workspace,
  config: Config,
): Promise<StatusResponse> {
  const state = await readState(ws.paths.stateFile);
  const supervisor = await supervisorView(ws);
  const watcher = supervisor.status === "running"
    ? "the supervisor holds the lock but does not answer"
    : UNWATCHED;
  const services: ServiceStatus[] = [];
  for (const service of config.services) {
    const record = state.services[service.name];
    const pidFile = await readPidFile(servicePidFile(ws.paths, service.name));
    const leader = await pidFileLeader(ws.paths, {
      name: service.name,
      bootId: await readBootId(),
    });
    services.push({
      ...await offlineView(service.name, { record, pidFile, leader, watcher }),
      autostart: service.autostart,
    });
  }
  return {
    workspace: ws.root,
    supervisor,
    services: await addUsage(services, new UsageSampler()),
  };
}

async function offlineView(
  name: string,
  facts: {
    record: ServiceRecord | undefined;
    pidFile: number | null;
    /** The process the PID file records, checked (see pidFileLeader). */
    leader: RecordedLeader | null;
    watcher: string;
  },
): Promise<ServiceStatus> {
  const { record, pidFile, leader, watcher } = facts;
  const view: ServiceStatus = {
    name,
    status: "stopped",
    pid: null,
    port: null,
    startedAt: null,
    restarts: record?.restarts ?? 0,
    lastExit: record?.lastExit ?? null,
    nextRestartAt: null,
    reason: null,
    uptimeSeconds: null,
    cpuPercent: null,
    rssBytes: null,
  };
  const identity = record?.identity ?? null;
  if (identity !== null && await identityMatches(identity)) {
    return {
      ...view,
      status: "running",
      pid: identity.pid,
      port: record?.port ?? null,
      startedAt: record?.startedAt ?? null,
      reason: watcher,
    };
  }
  if (leader !== null) {
    return {
      ...view,
      status: "running",
      pid: leader.identity.pid,
      port: leader.port,
      reason: watcher,
    };
  }
  const stalePid = identity?.pid ?? pidFile;
  if (stalePid !== null) {
    return {
      ...view,
      status: "stale",
      pid: stalePid,
      reason: `pid ${stalePid} is gone or belongs to another process`,
    };
  }
  return view;
}

/** Files of a dead supervisor; only a holder of the lock may call this. */
async function removeStaleSupervisorFiles(ws: Workspace): Promise<void> {
  for (
    const file of [
      ws.paths.supervisorPidFile,
      ws.paths.supervisorJson,
      ws.paths.socket,
    ]
  ) {
    await removeIfPresent(file);
  }
}

async function supervisorView(ws: Workspace): Promise<SupervisorStatus> {
  const pid = await readPidFile(ws.paths.supervisorPidFile);
  const held = await isLockHeld(ws.paths.lockFile);
  if (held) {
    const descriptor = await readDescriptor(ws.paths);
    const live = descriptor !== null &&
      await identityMatches(descriptor.identity);
    return {
      status: "running",
      pid: live ? descriptor.identity.pid : pid,
      startedAt: live ? descriptor.startedAt : null,
      version: live ? descriptor.version : null,
    };
  }
  return {
    status: pid === null ? "stopped" : "stale",
    pid,
    startedAt: null,
    version: null,
  };
}

/**
 * Stops services without a supervisor: takes the workspace lock (so no
 * supervisor starts meanwhile), ends each recorded process group whose
 * identity still matches, and records them as stopped (`force`: SIGKILL at once instead of each service's
 * stop signal). A supervisor that
 * holds the lock but does not answer is ended first (SIGTERM, SIGKILL; see
 * retireSupervisor), and `onRetire` told so; a lock held by a process that
 * is no tend supervisor is a `LOCK_FAILED` error naming it.
 */
export async function offlineStop(
  ws: Workspace,
  options: {
    config: Config;
    names: readonly string[];
    force?: boolean;
    onRetire?: (note: string) => void;
  },
): Promise<ActionResult[]> {
  using _lock = await lockWorkspace(ws, {
    action: "stop services of",
    onRetire: options.onRetire ?? (() => {}),
  });
  const state = await readState(ws.paths.stateFile);
  const results: ActionResult[] = [];
  const byName = new Map(options.config.services.map((s) => [s.name, s]));
  for (const name of options.names) {
    const service = byName.get(name)!;
    const record = state.services[name];
    const recorded = record?.identity ?? null;
    const leader = recorded !== null && await identityMatches(recorded)
      ? null
      : await pidFileLeader(ws.paths, { name, bootId: await readBootId() });
    const identity = leader?.identity ?? recorded;
    const live = identity !== null && await identityMatches(identity);
    let killed = false;
    if (identity !== null) {
      ({ escalated: killed } = await endGroup(identity, {
        root: ws.root,
        ...stopSignalOf(service, options),
      }));
    }
    if (record) {
      state.services[name] = {
        ...record,
        desired: "stopped",
        identity: null,
        port: null,
        startedAt: null,
      };
    }
    await removeIfPresent(servicePidFile(ws.paths, name));
    const view = await offlineView(name, {
      record: state.services[name],
      pidFile: null,
      leader: null,
      watcher: UNWATCHED,
    });
    results.push({
      name,
      action: live ? "stopped" : "already-stopped",
      service: view,
      ...(live && killed ? { killed } : {}),
    });
  }
  await writeState(ws.paths.stateFile, state);
  await removeStaleSupervisorFiles(ws);
  return results;
}

/**
 * `cleanup` without a supervisor: under the workspace lock, every tagged
 * process outside the process groups recorded in state.json (with a matching
 * identity) is an orphan. A damaged state.json tracks nothing.
 */
export async function offlineCleanup(
  ws: Workspace,
  options: { dryRun: boolean; graceMs: number },
): Promise<CleanupResponse> {
  using _lock = await lockWorkspace(ws, { action: "clean up" });
  const state = await readState(ws.paths.stateFile).catch(() => emptyState());
  const tracked = new Map<string, number>();
  for (const [name, record] of Object.entries(state.services)) {
    if (record.identity && await identityMatches(record.identity)) {
      tracked.set(name, record.identity.pid);
    }
  }
  return await cleanWorkspace({
    paths: ws.paths,
    bootId: await readBootId(),
    tracked,
    supervisorLive: false,
    dryRun: options.dryRun,
    graceMs: options.graceMs,
  });
}

/**
 * Whether the socket is a socket (the supervisor listens), so that the
 * failed ping means it does not answer. Anything else at the path, or
 * nothing, means it cannot be reached while it may be well: it listens
 * again within 5 s once the path is clear, and must not be ended.
 */
async function listensButMute(ws: Workspace): Promise<boolean> {
  const info = await Deno.lstat(ws.paths.socket).catch(() => null);
  return info?.isSocket === true;
}

/** Options of {@linkcode lockWorkspace}. */
interface LockWorkspaceOptions {
  /** What the caller does, for messages: "stop services of". */
  action: string;
  /**
   * Set to end a supervisor that holds the lock but does not answer (see
   * retireSupervisor); called with a sentence saying so. Unset, such a
   * supervisor is an error.
   */
  onRetire?: ((note: string) => void) | undefined;
}

async function lockWorkspace(
  ws: Workspace,
  options: LockWorkspaceOptions,
): Promise<Disposable> {
  const { action, onRetire } = options;
  await ensurePrivateDir(ws.paths.runDir);
  let lock = await acquireLock(ws.paths.lockFile, { waitMs: 1_000 });
  if (lock === null) {
    const owner = await lockOwner(ws.paths);
    if (owner.kind === "other") {
      throw foreignLockError(ws.paths, { action, owner });
    }
    if (
      owner.kind === "supervisor" && onRetire !== undefined &&
      await listensButMute(ws)
    ) {
      const signal = await retireSupervisor(owner.identity);
      if (signal !== null) {
        onRetire(
          `the supervisor (pid ${owner.identity.pid}) did not answer; ended it with ${signal}`,
        );
      }
      lock = await acquireLock(ws.paths.lockFile, { waitMs: 1_000 });
    }
  }
  if (lock === null) {
    const blocker = await socketBlocker(ws.paths.socket);
    throw new TendError(
      "NOT_RUNNING",
      `Cannot ${action} "${ws.root}": a supervisor holds the lock but does not answer`,
      {
        hint: blocker === null
          ? `See "${ws.paths.supervisorLog}"`
          : `Remove "${ws.paths.socket}": ${blocker} is where the supervisor's socket belongs`,
      },
    );
  }
  const held = lock;
  return { [Symbol.dispose]: () => held.close() };
}
