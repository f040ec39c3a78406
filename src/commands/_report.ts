import type { ActionResponse, ActionResult } from "../ipc/protocol.ts";
import type { Context } from "./command.ts";

/** Prints the outcome of start, stop or restart: JSON, or one line per service. */
export function reportActions(ctx: Context, response: ActionResponse): void {
  if (ctx.globals.json) return ctx.out.json(response);
  const idle = response.results.filter((r) => r.action === "already-stopped");
  const quietIdle = idle.length > 3;
  for (const result of response.results) {
    if (!(quietIdle && result.action === "already-stopped")) {
      ctx.out.note(describe(result));
    }
  }
  if (quietIdle) ctx.out.note(`${idle.length} other services were not running`);
}

function describe(result: ActionResult): string {
  const { name, action, service } = result;
  const where = [
    service.pid === null ? null : `pid ${service.pid}`,
    service.port === null ? null : `port ${service.port}`,
  ].filter(Boolean).join(", ");
  const suffix = parenthesized([where, dependencyNote(result)]);
  switch (action) {
    case "started":
      return `started "${name}"${suffix}`;
    case "restarted":
      return `restarted "${name}"${suffix}`;
    case "already-running":
      return `"${name}" is already running${suffix}`;
    case "stopped":
      return `stopped "${name}"${parenthesized([dependencyNote(result)])}`;
    case "already-stopped":
      return `"${name}" is not running`;
  }
}

/** Why a service was acted on that was not named: `depends on "redis"`. */
function dependencyNote(result: ActionResult): string {
  return result.dependsOn === undefined
    ? ""
    : `depends on "${result.dependsOn}"`;
}

/** ` (a; b)` of the non-empty parts, or nothing. */
function parenthesized(parts: readonly string[]): string {
  const shown = parts.filter((part) => part !== "");
  return shown.length === 0 ? "" : ` (${shown.join("; ")})`;
}
