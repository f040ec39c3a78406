import { lazyImport } from "../_lazy.ts";
import { TendError } from "../errors.ts";
import { ControlClient } from "../ipc/client.ts";
import type { StatusResponse } from "../ipc/wire_types.ts";
import type { Workspace } from "../workspace/workspace.ts";

/** How long a supervisor may take to answer `status` before the files are read instead. */
const STATUS_TIMEOUT_MS = 5_000;

/**
 * The status of every service: the supervisor's answer, or, when none
 * answers, the state files checked against live processes.
 */
export async function currentStatus(ws: Workspace): Promise<StatusResponse> {
  const live = await askSupervisor(ws);
  if (live !== null) return live;
  const reclaimed = await reclaim(ws);
  if (reclaimed !== null) return reclaimed;
  // Only this offline path reads the config: loaded here, not with the module.
  const { loadWorkspaceConfig } = await lazyImport<
    typeof import("../client/config.ts")
  >(new URL("../client/config.ts", import.meta.url));
  const config = await loadWorkspaceConfig(ws);
  const { offlineStatus } = await lazyImport<
    typeof import("../workspace/offline.ts")
  >(new URL("../workspace/offline.ts", import.meta.url));
  return await offlineStatus(ws, config);
}

/**
 * The answer of a supervisor launched to take over from one that runs
 * without its `.tend/run` (src/client/reclaim.ts); `null` when none does.
 */
async function reclaim(ws: Workspace): Promise<StatusResponse | null> {
  const { reclaimLostSupervisor } = await lazyImport<
    typeof import("../client/reclaim.ts")
  >(new URL("../client/reclaim.ts", import.meta.url));
  using client = await reclaimLostSupervisor(ws);
  return client === null ? null : await client.status();
}

/** The supervisor's answer, or `null` when none answers (one request, no ping). */
async function askSupervisor(ws: Workspace): Promise<StatusResponse | null> {
  try {
    await Deno.lstat(ws.paths.socket);
  } catch {
    return null;
  }
  using client = new ControlClient(ws.paths.socket);
  return await client.tryStatus({ timeoutMs: STATUS_TIMEOUT_MS });
}

/**
 * Keeps the services named (a group name selects its instances); all when
 * `names` is empty. An unknown name is an `UNKNOWN_SERVICE` error.
 */
export function selectServices(
  status: StatusResponse,
  names: readonly string[],
): StatusResponse {
  if (names.length === 0) return status;
  const wanted = new Set<string>();
  for (const name of names) {
    const matches = status.services.filter((s) =>
      s.name === name || s.name.startsWith(`${name}.`)
    );
    if (matches.length === 0) {
      const inFile = status.configDrift?.added.some((added) =>
        added === name || added.startsWith(`${name}.`)
      );
      throw new TendError(
        "UNKNOWN_SERVICE",
        `Cannot show service "${name}": ${
          inFile
            ? "the supervisor has not loaded it"
            : "it is not in the config"
        }`,
        {
          hint: inFile
            ? `"${status.configDrift?.file}" lists it since the supervisor loaded it: "tend start ${name}" or "tend reload" applies the file`
            : `Known services: ${
              status.services.map((s) => s.name).join(", ") || "none"
            }`,
        },
      );
    }
    for (const match of matches) wanted.add(match.name);
  }
  return {
    ...status,
    services: status.services.filter((s) => wanted.has(s.name)),
  };
}
