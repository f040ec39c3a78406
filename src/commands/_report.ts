import { EXIT_CODES, isErrorCode } from "../errors.ts";
import type { ActionResponse, ActionResult } from "../ipc/protocol.ts";
import type { Context } from "./command.ts";

/**
 * Prints the outcome of start, stop or restart: JSON, or one line per
 * service on stdout and each failure as an error on stderr. Returns the exit
 * status: 0 when nothing failed, else that of the first failure's code.
 */
export function reportActions(ctx: Context, response: ActionResponse): number {
  const status = actionsStatus(response.results);
  if (ctx.globals.json) return ctx.out.json(response), status;
  const idle = response.results.filter((r) => r.action === "already-stopped");
  const quietIdle = idle.length > 3;
  for (const result of response.results) {
    if (result.action === "failed") reportFailure(ctx, result);
    else if (!(quietIdle && result.action === "already-stopped")) {
      ctx.out.result(describeAction(result));
    }
  }
  if (quietIdle) {
    ctx.out.result(`${idle.length} other services were not running`);
  }
  return status;
}

/** The exit status of a list of results: that of the first failure, or 0. */
export function actionsStatus(results: readonly ActionResult[]): number {
  const failure = results.find((r) => r.action === "failed");
  if (failure === undefined) return 0;
  const code = failure.error?.code;
  return isErrorCode(code) ? EXIT_CODES[code] : EXIT_CODES.START_FAILED;
}

function reportFailure(ctx: Context, result: ActionResult): void {
  ctx.out.error(
    result.error ??
      { code: "START_FAILED", message: `"${result.name}" failed` },
  );
}

/** One line saying what an action did to a service. */
export function describeAction(result: ActionResult): string {
  const { name, action, service } = result;
  const where = [
    service.pid === null ? null : `pid ${service.pid}`,
    service.port === null ? null : `port ${service.port}`,
  ].filter(Boolean).join(", ");
  const suffix = where ? ` (${where})` : "";
  switch (action) {
    case "started":
      return `started "${name}"${suffix}`;
    case "restarted":
      return `restarted "${name}"${suffix}`;
    case "already-running":
      return result.restartedAgoMs === undefined
        ? `"${name}" is already running${suffix}`
        : `"${name}" was restarted by the supervisor ${
          ago(result.restartedAgoMs)
        } ago${suffix}`;
    case "stopped":
      return result.killed
        ? `stopped "${name}" (killed with SIGKILL: it did not exit within stop_timeout)`
        : `stopped "${name}"`;
    case "already-stopped":
      return `"${name}" is not running`;
    case "failed":
      return `"${name}" failed: ${result.error?.message ?? "unknown error"}`;
  }
}

/** A duration for people: `0.5 s`, `42 s`, `3 min`. */
function ago(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Says that no service is to start (none in the file, or none autostart); exit 0. */
export function reportNothingToStart(ctx: Context): number {
  if (ctx.globals.json) ctx.out.json({ results: [] });
  else {
    ctx.out.result(
      "nothing to start: tend.toml lists no service to start (none, or none with autostart)",
    );
  }
  return 0;
}

/**
 * What a foreground `tend up` shows once its services started: the URL of
 * each service with a port (stdout), and how to stop (stderr).
 */
export function reportForeground(ctx: Context, response: ActionResponse): void {
  const served = response.results.filter((r) =>
    r.action !== "failed" && r.service.port !== null
  );
  const width = Math.max(0, ...served.map((r) => r.name.length));
  for (const { name, service } of served) {
    ctx.out.result(`${name.padEnd(width)}  http://localhost:${service.port}`);
  }
  ctx.out.note("Ctrl-C to stop every service and the supervisor");
}
