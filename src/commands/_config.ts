import type { Config } from "../config/schema.ts";
import type { Workspace } from "../workspace/workspace.ts";

/**
 * Loads and validates the workspace's config. The loader (zod, TOML) is
 * imported on demand, keeping it off the path of commands that only talk to
 * a running supervisor.
 */
export async function loadWorkspaceConfig(ws: Workspace): Promise<Config> {
  const { loadConfig } = await import("../config/load.ts");
  return await loadConfig(ws.configFile, { workspace: ws.root });
}

/** Checks names against the config (groups expand to their instances). */
export async function selectNames(
  config: Config,
  names: readonly string[],
): Promise<string[]> {
  const { expandNames } = await import("../config/services.ts");
  return names.length === 0
    ? config.services.map((s) => s.name)
    : expandNames(config, [...names]);
}
