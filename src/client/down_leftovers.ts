import { lazyImport } from "../_lazy.ts";
import { acquireLock, isLockHeld } from "../fence/lock.ts";
import type { ActionResult } from "../ipc/protocol.ts";
import { identityMatches } from "../proc/identity.ts";
import { emptyState, readState } from "../workspace/state_file.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { loadWorkspaceConfig } from "./config.ts";

/**
 * After the supervisor of `tend down` has exited: stops the services that
 * state.json records as still running, which a start racing the shutdown
 * may have left without a supervisor. Nothing is touched while another
 * supervisor serves or is being launched (a start after the down): its
 * services are its own. Returns what it stopped.
 */
export async function stopLeftovers(ws: Workspace): Promise<ActionResult[]> {
  const launching = await acquireLock(ws.paths.launchLockFile);
  if (launching === null) return [];
  try {
    if (await isLockHeld(ws.paths.lockFile)) return [];
    const live = await liveServices(ws);
    if (live.length === 0) return [];
    const config = await loadWorkspaceConfig(ws);
    const listed = new Set(config.services.map((s) => s.name));
    const names = live.filter((name) => listed.has(name));
    const { offlineStop } = await lazyImport<
      typeof import("../workspace/offline.ts")
    >(new URL("../workspace/offline.ts", import.meta.url));
    return await offlineStop(ws, { config, names });
  } finally {
    launching.close();
  }
}

/** Names of the services whose recorded process still runs. */
export async function liveServices(ws: Workspace): Promise<string[]> {
  const state = await readState(ws.paths.stateFile).catch(() => emptyState());
  const live: string[] = [];
  for (const [name, record] of Object.entries(state.services)) {
    if (record.identity && await identityMatches(record.identity)) {
      live.push(name);
    }
  }
  return live;
}
