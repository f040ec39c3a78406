import type { ControlClient } from "../ipc/client.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { connect } from "./_workspace.ts";

/**
 * A client of the workspace's supervisor, launching one in the background
 * when none answers; the config is validated first, so a bad config fails
 * before anything runs.
 */
export async function supervisorClient(ws: Workspace): Promise<ControlClient> {
  const client = await connect(ws);
  if (client !== null) return client;
  const { loadWorkspaceConfig } = await import("./_config.ts");
  await loadWorkspaceConfig(ws);
  const { ensureSupervisor } = await import("./_launch.ts");
  return await ensureSupervisor(ws);
}

/**
 * A client of the supervisor that is to start `names` (all autostart
 * services when none), or `null` when there is nothing to start. When no
 * supervisor runs, the names are checked against the config before one is
 * launched: an unknown name (`UNKNOWN_SERVICE`) or an empty selection never
 * leaves a supervisor behind.
 */
export async function startingClient(
  ws: Workspace,
  names: readonly string[],
): Promise<ControlClient | null> {
  const client = await connect(ws);
  if (client !== null) return client;
  const { loadWorkspaceConfig } = await import("./_config.ts");
  const config = await loadWorkspaceConfig(ws);
  const { expandNames } = await import("../config/services.ts");
  const selected = names.length === 0
    ? config.services.filter((s) => s.autostart)
    : expandNames(config, names);
  if (selected.length === 0) return null;
  const { ensureSupervisor } = await import("./_launch.ts");
  return await ensureSupervisor(ws);
}
