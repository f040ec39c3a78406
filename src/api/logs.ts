import { loadWorkspaceConfig, selectNames } from "../commands/_config.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { LogSource } from "../logs/stream.ts";

/**
 * The log files of the services named (a group name selects its
 * instances; all services when `names` is empty), from the config.
 */
export async function logSources(
  ws: Workspace,
  names: readonly string[],
): Promise<LogSource[]> {
  const config = await loadWorkspaceConfig(ws);
  const files = new Map(config.services.map((s) => [s.name, s.logFile]));
  return (await selectNames(config, names)).map((name) => ({
    name,
    file: files.get(name)!,
  }));
}
