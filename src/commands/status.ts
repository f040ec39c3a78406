import type { StatusResponse } from "../ipc/protocol.ts";
import { renderStatusTable } from "../output/status_table.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { type Command, type Context, parseCommandArgs } from "./command.ts";
import { TendError } from "../errors.ts";

/** `tend status [NAME...]` */
export const status: Command = {
  name: "status",
  summary: "Show services: a table, or --json",
  usage: `tend status [NAME...] [--json]

Exit status 0 when every listed service is running, 3 when some is not.
Without a supervisor, processes are checked by identity (pid, start time,
boot id): a live match is "running", a dead or reused PID is "stale".`,
  options: {},
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(this, argv);
    const ws = await resolveWorkspace(ctx);
    const full = await currentStatus(ws);
    const shown = select(full, positionals);
    if (ctx.globals.json) ctx.out.json(shown);
    else ctx.out.data(render(ctx, shown));
    return shown.services.every((s) => s.status === "running") ? 0 : 3;
  },
};

async function currentStatus(
  ws: Awaited<ReturnType<typeof resolveWorkspace>>,
): Promise<StatusResponse> {
  const client = await connect(ws);
  if (client !== null) {
    using _ = client;
    return await client.status();
  }
  const config = await loadWorkspaceConfig(ws);
  const { offlineStatus } = await import("./_offline.ts");
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
  const colors: Record<string, "green" | "yellow" | "red" | "dim"> = {
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
    paint: (word, text) =>
      ctx.out.paint(colors[word.split(" ")[0]!] ?? "dim", text),
  });
}
