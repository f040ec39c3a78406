import type { StatusResponse } from "../ipc/protocol.ts";
import { renderStatusTable } from "../output/status_table.ts";
import { currentStatus, selectServices } from "../api/status.ts";
import { resolveWorkspace, type Workspace } from "./_workspace.ts";
import type { Context, ParsedArgs } from "./command.ts";

/** `tend status [NAME...]` */
export async function run(ctx: Context, args: ParsedArgs): Promise<number> {
  const { values, positionals } = args;
  const ws = await resolveWorkspace(ctx);
  if (values.watch === true) {
    return await watch(ctx, { ws, names: positionals });
  }
  const shown = selectServices(await currentStatus(ws), positionals);
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
    const shown = selectServices(
      await currentStatus(options.ws),
      options.names,
    );
    if (ctx.globals.json) ctx.out.data(JSON.stringify(shown));
    else ctx.out.screen(render(ctx, shown));
    await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
  }
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
