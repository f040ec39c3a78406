import { lazyImport } from "../_lazy.ts";
import type { AdhocDefinition } from "../config/adhoc.ts";
import type { ActionResponse } from "../ipc/protocol.ts";
import { supervisorClient } from "../client/supervisor_client.ts";
import { DEFAULT_TIMING, type Timing } from "../timing.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { startServices } from "./actions.ts";

/** Options of {@linkcode runService}. */
export interface RunServiceOptions {
  /** The service to run. */
  definition: AdhocDefinition;
  /** Write it into tend.toml (as a `[[processes]]` block) and start it from there. @default {false} */
  save?: boolean;
  /** The fixed waits of a supervisor this call launches. @default {DEFAULT_TIMING} */
  timing?: Timing;
}

/** What {@linkcode runService} did. */
export interface RunServiceResult extends ActionResponse {
  /** The block appended to tend.toml, with `save`. */
  saved?: string;
}

/**
 * `tend run`: starts a service that tend.toml does not list under the
 * workspace's supervisor (launching one in the background when none runs),
 * until it is stopped or the supervisor ends; with `save`, writes it into
 * tend.toml first and starts it as any other service.
 */
export async function runService(
  ws: Workspace,
  options: RunServiceOptions,
): Promise<RunServiceResult> {
  const { definition } = options;
  const timing = options.timing ?? DEFAULT_TIMING;
  if (options.save === true) {
    const { saveService } = await lazyImport<
      typeof import("../config/save_service.ts")
    >(new URL("../config/save_service.ts", import.meta.url));
    const saved = await saveService(definition, {
      file: ws.configFile,
      workspace: ws.root,
    });
    const started = await startServices(ws, {
      names: [definition.name],
      timing,
    });
    return { ...started, saved };
  }
  using client = await supervisorClient(ws, { timing });
  return await client.run({
    name: definition.name,
    command: definition.command,
    args: [...definition.args],
    ...(definition.port === undefined ? {} : { port: definition.port }),
    ...(definition.ready === undefined
      ? {}
      : { ready: { ...definition.ready } }),
  });
}
