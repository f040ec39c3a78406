import { serviceLogFile } from "../config/paths.ts";
import type { Config } from "../config/schema.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { connect } from "../client/workspace.ts";

/**
 * The logs of the one-off services (`tend run`) among `names` (all of them
 * when none), which tend.toml does not list; empty when no supervisor
 * answers. Returns also the names left unmatched, for the usual error.
 */
export async function oneOffLogTargets(
  ws: Workspace,
  options: { config: Config; names: readonly string[] },
): Promise<{ targets: { name: string; file: string }[]; rest: string[] }> {
  const listed = (name: string) =>
    options.config.services.some((s) => s.name === name || s.group === name);
  const wanted = options.names.filter((name) => !listed(name));
  if (options.names.length > 0 && wanted.length === 0) {
    return { targets: [], rest: [...options.names] };
  }
  const oneOffs = await runningOneOffs(ws);
  const picked = options.names.length === 0
    ? oneOffs
    : wanted.filter((name) => oneOffs.includes(name));
  return {
    targets: picked.map((name) => ({
      name,
      file: serviceLogFile(ws.paths, name),
    })),
    rest: options.names.filter((name) => !picked.includes(name)),
  };
}

async function runningOneOffs(ws: Workspace): Promise<string[]> {
  const client = await connect(ws);
  if (client === null) return [];
  using _ = client;
  const status = await client.status();
  return status.services.filter((s) => s.oneOff === true).map((s) => s.name);
}
