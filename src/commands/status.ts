import type { ServiceStatus, StatusResponse } from "../ipc/protocol.ts";
import { renderStatusTable, type RowStatus } from "../output/status_table.ts";
import { currentStatus, selectServices } from "../api/status.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";
import { describeDrift } from "./_report.ts";
import { sleep } from "../_async.ts";

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
  const shown = selectServices(await currentStatus(ws), positionals);
  if (ctx.globals.json) ctx.out.json(shown);
  else {
    ctx.out.data(render(ctx, shown));
    if (shown.configDrift) ctx.out.note(describeDrift(shown.configDrift));
  }
  const healthy = positionals.length === 0 ? shouldRunIsRunning : isRunning;
  return shown.services.every(healthy) ? 0 : 3;
}

/**
 * `status NAME...`: every named service runs. A job that completed, or a
 * scheduled one idle between runs, is as healthy as a service that runs.
 */
function isRunning(service: ServiceStatus): boolean {
  return service.status === "running" || service.status === "completed" ||
    idleOnSchedule(service);
}

/**
 * `status`: every service that should run runs; a stopped service that
 * tend.toml does not autostart is not a failure.
 */
function shouldRunIsRunning(service: ServiceStatus): boolean {
  return isRunning(service) ||
    (service.status === "stopped" && service.autostart === false);
}

/**
 * Redraws the table in place (or prints one JSON line) every
 * `ctx.timing.watchMs` (a second) until Ctrl-C.
 */
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
    else {
      const drift = shown.configDrift;
      const notice = drift ? `\n${describeDrift(drift)}` : "";
      ctx.out.screen(render(ctx, shown) + notice);
    }
    await sleep(ctx.timing.watchMs);
  }
}

function render(ctx: Context, shown: StatusResponse): string {
  const colors: Record<RowStatus, "green" | "yellow" | "red" | "dim"> = {
    running: "green",
    completed: "green",
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

/**
 * A scheduled service between runs counts as healthy, unless its last run
 * failed.
 */
function idleOnSchedule(service: ServiceStatus): boolean {
  const result = service.schedule?.lastResult;
  return service.status === "stopped" && service.schedule !== undefined &&
    (result === null || result === "ok");
}
