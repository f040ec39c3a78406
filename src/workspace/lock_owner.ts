import type { WorkspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import { isLockHeld } from "../fence/lock.ts";
import { lockHolders } from "../fence/lock_holders.ts";
import { displayCommand } from "../net/holder.ts";
import { type Identity, identityMatches } from "../proc/identity.ts";
import { readCommand, readEnvTag } from "../proc/scan.ts";
import { readDescriptor } from "./descriptor.ts";

/** Who holds a workspace's `supervisor.lock`. */
export type LockOwner =
  /** The supervisor that supervisor.json describes, its identity checked. */
  | { kind: "supervisor"; identity: Identity }
  /** A process that is no tend supervisor of this workspace. */
  | { kind: "other"; pid: number; command: string | null }
  /** Nobody visible, or a supervisor not described yet (it is starting). */
  | { kind: "unknown" };

/**
 * Finds who holds the workspace lock: the PIDs come from `/proc/locks`
 * (the lock on the inode of `.tend/run/supervisor.lock`), and one of them
 * is the supervisor when supervisor.json names it with a matching
 * identity. Without `/proc/locks` (macOS) a live described supervisor is
 * taken as the holder.
 */
export async function lockOwner(paths: WorkspacePaths): Promise<LockOwner> {
  const holders = await lockHolders(paths.lockFile);
  const descriptor = await readDescriptor(paths);
  const live = descriptor !== null &&
    await identityMatches(descriptor.identity);
  if (live && (holders === null || holders.includes(descriptor.identity.pid))) {
    return { kind: "supervisor", identity: descriptor.identity };
  }
  const pid = holders?.find((pid) => pid !== Deno.pid);
  if (pid === undefined) return { kind: "unknown" };
  const tags = await readEnvTag(pid, ["TEND_SUPERVISOR"]);
  if (tags?.TEND_SUPERVISOR === paths.root) return { kind: "unknown" };
  return { kind: "other", pid, command: await readCommand(pid) };
}

/**
 * Throws `LOCK_FAILED` when `supervisor.lock` is held by a process that is
 * not a tend supervisor of this workspace (waiting for it to answer would
 * be in vain); does nothing otherwise.
 */
export async function refuseForeignLockHolder(
  paths: WorkspacePaths,
  options: { action: string },
): Promise<void> {
  if (!await isLockHeld(paths.lockFile)) return;
  const owner = await lockOwner(paths);
  if (owner.kind === "other") {
    throw foreignLockError(paths, { ...options, owner });
  }
}

/** The `LOCK_FAILED` error for a lock held by a process that is not a supervisor. */
export function foreignLockError(
  paths: WorkspacePaths,
  options: { action: string; owner: { pid: number; command: string | null } },
): TendError {
  const { pid, command } = options.owner;
  const shown = command === null ? "" : ` (${displayCommand(command)})`;
  return new TendError(
    "LOCK_FAILED",
    `Cannot ${options.action} "${paths.root}": "${paths.lockFile}" is locked by pid ${pid}${shown}, which is not a tend supervisor`,
    { hint: `End pid ${pid}, or ask whoever runs it to release the lock` },
  );
}
