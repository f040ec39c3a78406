import type {
  ActionResponse,
  ActionResult,
  ConfigApplied,
  ConfigDrift,
} from "../ipc/protocol.ts";
import type { Context } from "./command.ts";

/** Prints the outcome of start, stop or restart: JSON, or one line per service. */
export function reportActions(ctx: Context, response: ActionResponse): void {
  if (ctx.globals.json) return ctx.out.json(response);
  if (response.applied) ctx.out.note(describeApplied(response.applied));
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
    service.port === null ? null : service.portNote ?? `port ${service.port}`,
  ].filter(Boolean).join(", ");
  const suffix = parenthesized([where, dependencyNote(result)]);
  if (service.status === "completed") {
    const code = service.lastExit?.code ?? 0;
    return action === "already-running"
      ? `"${name}" already completed`
      : `completed "${name}" (exit ${code})`;
  }
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

/** One line: what of a changed config file a start or restart applied first. */
export function describeApplied(applied: ConfigApplied): string {
  const parts = [
    ...applied.added.map((name) => `"${name}" (new)`),
    ...applied.changed.map((name) => `"${name}" (changed)`),
  ];
  return `applied the changes of "${applied.file}" to ${parts.join(", ")}`;
}

/** One line: how the config file differs from what the supervisor runs. */
export function describeDrift(drift: ConfigDrift): string {
  if (drift.error !== null) {
    return `${drift.error} (the supervisor runs the config it loaded before)`;
  }
  const list = (label: string, names: string[]) =>
    names.length === 0
      ? []
      : [`${label} ${names.map((name) => `"${name}"`).join(", ")}`];
  const parts = [
    ...list("new", drift.added),
    ...list("changed", drift.changed),
    ...list("removed", drift.removed),
  ];
  return `"${drift.file}" differs from what the supervisor runs: ${
    parts.join("; ")
  } ("tend start NAME" or "tend reload" applies it)`;
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
