import type { LogSource } from "../logs/stream.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { logTargets } from "./_log_targets.ts";

/**
 * The log files of the services named (a group name selects its
 * instances; all services when `names` is empty), from the config; when the
 * config is invalid or gone, the logs under `.tend/log` of the services that
 * run, and `onFallback` hears why.
 */
export function logSources(
  ws: Workspace,
  names: readonly string[],
  options: { onFallback?: (why: string) => void } = {},
): Promise<LogSource[]> {
  return logTargets(ws, {
    names,
    onFallback: options.onFallback ?? (() => {}),
  });
}
