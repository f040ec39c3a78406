import type { WorkspacePaths } from "../config/paths.ts";
import {
  flockHoldersElsewhere,
  inodeOf,
  readProcLocks,
} from "../fence/lock_holders.ts";
import { type Identity, readBootId, readIdentity } from "../proc/identity.ts";
import { readEnvTag } from "../proc/scan.ts";

/**
 * A background supervisor of this workspace (tagged `TEND_SUPERVISOR` with
 * its root) that holds an `flock` on a file that is neither the
 * workspace's `supervisor.lock` nor its `launch.lock` as they are now: the
 * lock file it holds was deleted or replaced (`.tend/run` removed under
 * it, as `git clean -fdx` does), and with it its socket and records, while
 * it and its services run on. `null` when there is none, or it cannot be
 * known (no `/proc/locks`, as on macOS; a foreground `tend up` carries no
 * tag).
 *
 * `procLocks` is the text of `/proc/locks`, which may have been read
 * earlier (such a supervisor holds its lock until it exits): a process's
 * first read of it waits 8 to 27 ms here, with no CPU spent.
 */
export async function lostSupervisor(
  paths: WorkspacePaths,
  procLocks: Promise<string | null> = readProcLocks(),
): Promise<Identity | null> {
  const text = await procLocks;
  if (text === null) return null;
  const files = [paths.lockFile, paths.launchLockFile].flatMap((path) => {
    const inode = inodeOf(path);
    return inode === null ? [] : [inode];
  });
  for (const pid of flockHoldersElsewhere(text, files)) {
    if (pid === Deno.pid) continue;
    const tags = await readEnvTag(pid, ["TEND_SUPERVISOR"]);
    if (tags?.TEND_SUPERVISOR !== paths.root) continue;
    const identity = await readIdentity(pid, await readBootId());
    if (identity !== null) return identity;
  }
  return null;
}
