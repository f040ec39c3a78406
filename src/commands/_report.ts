import { EXIT_CODES, isErrorCode } from "../errors.ts";
import type {
  ActionResponse,
  ActionResult,
  ConfigApplied,
  ConfigDrift,
} from "../ipc/protocol.ts";
import type { Context } from "./command.ts";

/**
 * Prints the outcome of start, stop or restart: JSON, or one line per
 * service on stdout and each failure as an error on stderr. Returns the exit
 * status: 0 when nothing failed, else that of the first failure's code.
 */
export function reportActions(ctx: Context, response: ActionResponse): number {
  const status = actionsStatus(response.results);
  if (ctx.globals.json) return ctx.out.json(response), status;
  if (response.applied) ctx.out.note(describeApplied(response.applied));
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
      return result.restartedAgoMs === undefined
        ? `"${name}" is already running${suffix}`
        : `"${name}" was restarted by the supervisor ${
          ago(result.restartedAgoMs)
        } ago${suffix}`;
    case "stopped":
      return `stopped "${name}"${
        parenthesized([
          dependencyNote(result),
          result.killed
            ? "killed with SIGKILL: it did not exit within stop_timeout"
            : "",
        ])
      }`;
    case "already-stopped":
      return `"${name}" is not running`;
    case "failed":
      return `"${name}" failed: ${result.error?.message ?? "unknown error"}`;
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
 * each service with a port (stdout), and how to stop (stderr, or `note`:
 * the foreground view's sink of tend's own lines).
 */
export function reportForeground(
  ctx: Context,
  options: {
    response: ActionResponse;
    note?: ((line: string) => void) | undefined;
  },
): void {
  const served = options.response.results.filter((r) =>
    r.action !== "failed" && r.service.port !== null
  );
  const width = Math.max(0, ...served.map((r) => r.name.length));
  for (const { name, service } of served) {
    ctx.out.result(`${name.padEnd(width)}  http://localhost:${service.port}`);
  }
  const howToStop = "Ctrl-C to stop every service and the supervisor";
  if (options.note && !ctx.globals.quiet) options.note(howToStop);
  else ctx.out.note(howToStop);
}
