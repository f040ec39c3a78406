import type { ActionResponse, ActionResult } from "../ipc/protocol.ts";
import type { Context } from "./command.ts";

/** Prints the outcome of start, stop or restart: JSON, or one line per service. */
export function reportActions(ctx: Context, response: ActionResponse): void {
  if (ctx.globals.json) return ctx.out.json(response);
  for (const result of response.results) ctx.out.note(describe(result));
}

function describe(result: ActionResult): string {
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
      return `"${name}" is already running${suffix}`;
    case "stopped":
      return `stopped "${name}"`;
    case "already-stopped":
      return `"${name}" is not running`;
  }
}
