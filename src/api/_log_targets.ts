import { lazyImport } from "../_lazy.ts";
import { serviceLogFile } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { loadWorkspaceConfig, selectNames } from "../client/config.ts";
import { connect } from "../client/workspace.ts";

/** One log `tend logs` shows. */
export interface LogTarget {
  name: string;
  file: string;
}

/**
 * The logs of the services `names` (all when none): from the config, or,
 * when the config cannot be loaded (invalid or gone), the logs under
 * `.tend/log` of the services the supervisor runs (of every service that
 * has one there when no supervisor answers). `onFallback` hears why.
 */
export async function logTargets(
  ws: Workspace,
  options: { names: readonly string[]; onFallback: (why: string) => void },
): Promise<LogTarget[]> {
  try {
    const config = await loadWorkspaceConfig(ws);
    const { oneOffLogTargets } = await lazyImport<
      typeof import("./_one_off_logs.ts")
    >(new URL("./_one_off_logs.ts", import.meta.url));
    const oneOff = await oneOffLogTargets(ws, { config, names: options.names });
    if (options.names.length > 0 && oneOff.rest.length === 0) {
      return oneOff.targets;
    }
    const names = await selectNames(config, oneOff.rest);
    return [
      ...names.map((name) => ({
        name,
        file: config.services.find((s) => s.name === name)!.logFile,
      })),
      ...oneOff.targets,
    ];
  } catch (error) {
    if (!(error instanceof TendError) || error.code !== "CONFIG_INVALID") {
      throw error;
    }
    options.onFallback(error.message);
    const known = await runningNames(ws) ?? await loggedNames(ws);
    return pick(known, options.names).map((name) => ({
      name,
      file: serviceLogFile(ws.paths, name),
    }));
  }
}

/** The services the supervisor runs, or `null` when none answers. */
async function runningNames(ws: Workspace): Promise<string[] | null> {
  const client = await connect(ws);
  if (client === null) return null;
  using _ = client;
  return (await client.status()).services.map((s) => s.name);
}

/** The services with a log under `.tend/log` (not tend.log, not rotated ones). */
async function loggedNames(ws: Workspace): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(ws.paths.logDir)) {
      const match = /^(.+)\.log$/.exec(entry.name);
      if (entry.isFile && match && match[1] !== "tend") names.push(match[1]!);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** `names` among `known` (a service name stands for its instances). */
function pick(known: readonly string[], names: readonly string[]): string[] {
  if (names.length === 0) return [...known];
  return names.flatMap((name) => {
    const matches = known.filter((k) => k === name || k.startsWith(`${name}.`));
    if (matches.length > 0) return matches;
    throw new TendError(
      "UNKNOWN_SERVICE",
      `Cannot find a log of service "${name}" without a valid config`,
      {
        hint: known.length === 0
          ? "No service has a log under .tend/log"
          : `Logs found: ${known.join(", ")}`,
      },
    );
  });
}
