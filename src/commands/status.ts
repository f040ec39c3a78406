import { lazyImport } from "../_lazy.ts";
import type { StatusResponse } from "../ipc/protocol.ts";
import { renderStatusTable, type RowStatus } from "../output/status_table.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { resolveWorkspace } from "./_workspace.ts";
import { ControlClient } from "../ipc/client.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./mod.ts";
import { TendError } from "../errors.ts";

/** `tend status [NAME...]` */
export async function run(
  ctx: Context,
  args: ArgsOf<"status">,
): Promise<number> {
  const { values, positionals } = args;
  const ws = await resolveWorkspace(ctx);
  if (values.watch === true) {
    return await watch(ctx, { ws, names: positionals });
  }
  const shown = select(await currentStatus(ws), positionals);
  if (ctx.globals.json) ctx.out.json(shown);
  else ctx.out.data(render(ctx, shown));
  return shown.services.every((s) => s.status === "running") ? 0 : 3;
}

/** How often `status --watch` refreshes. */
const WATCH_INTERVAL_MS = 1_000;

/** Redraws the table in place (or prints one JSON line) every second until Ctrl-C. */
async function watch(
  ctx: Context,
  options: { ws: Workspace; names: readonly string[] },
): Promise<number> {
  while (true) {
    const shown = select(await currentStatus(options.ws), options.names);
    if (ctx.globals.json) ctx.out.data(JSON.stringify(shown));
    else ctx.out.screen(render(ctx, shown));
    await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
  }
}

/** How long a supervisor may take to answer `status` before the files are read instead. */
const STATUS_TIMEOUT_MS = 5_000;

/** The supervisor's answer, or `null` when none answers (one request, no ping). */
async function askSupervisor(ws: Workspace): Promise<StatusResponse | null> {
  try {
    await Deno.lstat(ws.paths.socket);
  } catch {
    return null;
  }
  using client = new ControlClient(ws.paths.socket);
  try {
    return await client.status({ timeoutMs: STATUS_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof TendError && error.code === "NOT_RUNNING") return null;
    throw error;
  }
}

async function currentStatus(
  ws: Workspace,
): Promise<StatusResponse> {
  const live = await askSupervisor(ws);
  if (live !== null) return live;
  const config = await loadWorkspaceConfig(ws);
  const { offlineStatus } = await lazyImport<
    typeof import("../workspace/offline.ts")
  >(new URL("../workspace/offline.ts", import.meta.url));
  return await offlineStatus(ws, config);
}

function select(
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
      throw new TendError(
        "UNKNOWN_SERVICE",
        `Cannot show service "${name}": it is not in the config`,
        {
          hint: `Known services: ${
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

function render(ctx: Context, shown: StatusResponse): string {
  const colors: Record<RowStatus, "green" | "yellow" | "red" | "dim"> = {
    running: "green",
    starting: "yellow",
    stopping: "yellow",
    backoff: "yellow",
    failed: "red",
    stale: "red",
    stopped: "dim",
  };
  return renderStatusTable(shown, {
    now: Date.now(),
    paint: (status, text) => ctx.out.paint(colors[status], text),
  });
}
