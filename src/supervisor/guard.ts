import type { WorkspacePaths } from "../config/paths.ts";
import {
  inodeOf,
  type LockedInode,
  readProcLocks,
} from "../fence/lock_holders.ts";
import { type Identity, identityMatches } from "../proc/identity.ts";
import { readDescriptor } from "../workspace/descriptor.ts";
import { lostSupervisor } from "../workspace/lost_supervisor.ts";
import type { Log } from "./log.ts";
import type { Ticker } from "./ticker.ts";
import { pollUntil } from "../_async.ts";

const PREDECESSOR_POLL_INTERVAL_MS = 25;

/** A file's identity on disk. */
export type Inode = LockedInode;

/** What {@linkcode watchFence} reports. */
export interface FenceWatch {
  /** The inode this supervisor holds locked (it may change). */
  lock(): Inode;
  /** The inode of the socket this supervisor listens on (it may change). */
  socket(): Inode | null;
  /** The lock path no longer names the locked inode: another supervisor could start. */
  onLockLost(): Promise<void>;
  /** The socket path no longer leads to this supervisor. */
  onSocketLost(): void | Promise<void>;
}

/** When {@linkcode watchFence} checks. */
export interface FenceSchedule {
  ticker: Ticker;
  /**
   * How often (`Timing.fenceCheckMs`, 5 s by default). Losing the lock or
   * socket takes someone deleting or replacing files under `.tend/run`; a
   * successor retires a live predecessor by itself ({@linkcode
   * retirePredecessor}), so this only bounds how long such damage goes
   * unseen.
   */
  everyMs: number;
}

/**
 * Checks every `everyMs` that `.tend/run/supervisor.lock` is still the inode
 * this supervisor has locked (someone may have deleted or replaced it, which
 * would let a second supervisor in) and that the socket path still leads to
 * it. Stop it with `stop()` before the socket is closed on purpose.
 */
export function watchFence(
  paths: WorkspacePaths,
  watch: FenceWatch,
  schedule: FenceSchedule,
): { stop(): void } {
  let busy = false;
  const stop = schedule.ticker.every(schedule.everyMs, async () => {
    if (busy) return;
    busy = true;
    try {
      if (!sameInode(inodeOf(paths.lockFile), watch.lock())) {
        await watch.onLockLost();
        return;
      }
      const socket = watch.socket();
      if (socket === null || !sameInode(inodeOf(paths.socket), socket)) {
        await watch.onSocketLost();
      }
    } finally {
      busy = false;
    }
  });
  return { stop };
}

/**
 * Before a new supervisor serves: if supervisor.json names a live
 * supervisor (its identity matches) other than this one, that supervisor
 * lost its lock file (replaced or deleted) and must step down. A background
 * one steps down by itself at its next fence check ({@linkcode
 * watchFence}). Waits for it to exit, up to `timeoutMs` (two fence checks),
 * so two supervisors never watch the same services. Without supervisor.json
 * (`.tend/run` was removed with it), a background supervisor of this
 * workspace still holding the lock of a file that is gone is that one
 * ({@linkcode lostSupervisor}): asked to step down, it saves state.json
 * into the new `.tend/run`, and this supervisor adopts its services rather
 * than starting them a second time.
 */
export async function retirePredecessor(
  paths: WorkspacePaths,
  options: {
    log: Log;
    timeoutMs: number;
    /** `/proc/locks` as {@linkcode procLocksAhead} read it, if it did. */
    procLocks?: Promise<string | null> | null | undefined;
  },
): Promise<void> {
  const { log } = options;
  const previous = await readDescriptor(paths) ??
    await lostPredecessor(paths, options.procLocks ?? readProcLocks());
  if (previous === null || previous.identity.pid === Deno.pid) return;
  if (!await identityMatches(previous.identity)) return;
  const pid = previous.identity.pid;
  log.warn(
    "supervisor pid {pid} still runs without its lock; asking it to step down",
    { pid },
  );
  if (previous.mode === "background") {
    try {
      Deno.kill(pid, "SIGTERM");
    } catch {
      // It exited meanwhile.
    }
  }
  const gone = await pollUntil(
    async () => !await identityMatches(previous.identity),
    { timeoutMs: options.timeoutMs, intervalMs: PREDECESSOR_POLL_INTERVAL_MS },
  );
  if (!gone) log.error("supervisor pid {pid} did not step down", { pid });
}

/** A background supervisor that lost its lock file ({@linkcode lostSupervisor}). */
async function lostPredecessor(
  paths: WorkspacePaths,
  procLocks: Promise<string | null>,
): Promise<{ identity: Identity; mode: "background" } | null> {
  const identity = await lostSupervisor(paths, procLocks);
  return identity === null ? null : { identity, mode: "background" };
}

/**
 * `/proc/locks`, read now for {@linkcode retirePredecessor} when
 * supervisor.json is missing (a new workspace, one that ran, or one whose
 * `.tend/run` was removed under its supervisor); `null` when it is there.
 * The first read of `/proc/locks` in a process waits 8 to 27 ms here (the
 * kernel's lock list takes a lock of its own; no CPU is spent): begun
 * before the standby's go, the wait passes while the modules load.
 */
export function procLocksAhead(
  paths: WorkspacePaths,
): Promise<string | null> | null {
  return inodeOf(paths.supervisorJson) === null ? readProcLocks() : null;
}

function sameInode(a: Inode | null, b: Inode | null): boolean {
  return a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;
}
