/**
 * The checks of one `[[processes]]` entry or `[daemon]` table across its
 * fields, once each field is valid: the refinements of their zod schemas
 * (_service.ts, _daemon.ts), and of the check without zod (quick.ts). No
 * zod here.
 */
import { addProblem, type ProblemSink } from "./_problem.ts";
import { isLoopback, PORT_PLACEHOLDER } from "./_rules.ts";
import type { ServiceEntry } from "./_entry.ts";

/**
 * `restart` for `auto_restart`: mi7soft's boolean spelling. Without either,
 * a service restarts on failure and a job (`type = "oneshot"`) never.
 */
export function restartOf(
  service: Pick<ServiceEntry, "restart" | "auto_restart" | "type">,
): NonNullable<ServiceEntry["restart"]> {
  if (service.restart !== undefined) return service.restart;
  if (service.auto_restart === undefined) {
    return service.type === "oneshot" ? "never" : "on-failure";
  }
  return service.auto_restart ? "always" : "never";
}

/** Every check of one entry across its fields. */
export function checkEntry(service: ServiceEntry, ctx: ProblemSink): void {
  checkNoNul(service, ctx);
  checkRestart(service, ctx);
  checkInstances(service, ctx);
  checkRestartDelays(service, ctx);
  checkLogSize(service, ctx);
  checkPortUse(service, ctx);
  checkJob(service, ctx);
  checkScheduleFields(service, ctx);
}

/** The `[daemon]` table's check: a dashboard off loopback must be asked for. */
export function checkDaemon(
  daemon: {
    http?: { hostname: string } | null | undefined;
    "http_allow_remote": boolean;
  },
  ctx: ProblemSink,
): void {
  checkNoNul(daemon, ctx);
  const http = daemon.http;
  if (http && !isLoopback(http.hostname) && !daemon.http_allow_remote) {
    addProblem(
      ctx,
      `must be a loopback address (127.0.0.1, ::1 or localhost), got "${http.hostname}"`,
      {
        path: ["http"],
        hint:
          "Set http_allow_remote = true to serve other hosts (the token is still required)",
      },
    );
  }
}

/**
 * No string of a table holds a NUL character: each ends up in an argument,
 * a path or the environment of a process, none of which can carry one, so
 * it would fail only at a spawn, or keep a `ready` command from ever
 * succeeding. Reports the first, by its path in the table.
 */
function checkNoNul(table: unknown, ctx: ProblemSink): void {
  const path = nulPath(table);
  if (path === null) return;
  addProblem(
    ctx,
    "must not contain a NUL character (\\u0000): no argument, path or environment variable can hold one",
    { path },
  );
}

function nulPath(value: unknown): PropertyKey[] | null {
  if (typeof value === "string") return value.includes("\0") ? [] : null;
  if (typeof value !== "object" || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const at = Array.isArray(value) ? Number(key) : key;
    if (key.includes("\0")) return [at];
    const below = nulPath(child);
    if (below !== null) return [at, ...below];
  }
  return null;
}

function checkRestart(service: ServiceEntry, ctx: ProblemSink): void {
  const { auto_restart: auto, restart } = service;
  if (auto === undefined || restart === undefined) return;
  const meant = auto ? "always" : "never";
  if (restart === meant) return;
  addProblem(
    ctx,
    `conflicts with restart = "${restart}" (auto_restart = ${auto} means restart = "${meant}")`,
    {
      path: ["auto_restart"],
      hint: "Keep only one of auto_restart and restart",
    },
  );
}

function checkJob(service: ServiceEntry, ctx: ProblemSink): void {
  if (service.type !== "oneshot") return;
  if (restartOf(service) === "always") {
    addProblem(ctx, 'must not be "always" for a job (type = "oneshot")', {
      path: [service.restart === undefined ? "auto_restart" : "restart"],
      hint:
        'A job is done when it exits 0; use restart = "on-failure" or "never"',
    });
  }
  if (service.ready !== undefined) {
    addProblem(ctx, 'does not apply to a job (type = "oneshot")', {
      path: ["ready"],
      hint: "A job is ready once it exits with a success code",
    });
  }
}

function checkInstances(service: ServiceEntry, ctx: ProblemSink): void {
  const max = service.max_instances;
  if (max !== undefined && service.instances > max) {
    addProblem(
      ctx,
      `must be at most max_instances (${max}), got ${service.instances}`,
      { path: ["instances"] },
    );
  }
  const last = (service.port ?? 0) + service.instances - 1;
  if (service.port !== undefined && last > 65535) {
    addProblem(
      ctx,
      `leaves no room for ${service.instances} instances (ports ${service.port} to ${last})`,
      { path: ["port"], hint: "Lower port or instances" },
    );
  }
}

function checkRestartDelays(service: ServiceEntry, ctx: ProblemSink): void {
  if (service.restart_delay_max < service.restart_delay) {
    addProblem(
      ctx,
      `must be at least restart_delay (${service.restart_delay} ms), got ${service.restart_delay_max} ms`,
      { path: ["restart_delay_max"] },
    );
  }
}

function checkLogSize(service: ServiceEntry, ctx: ProblemSink): void {
  if (
    service.log_max_size !== undefined && service.max_log_size !== undefined
  ) {
    addProblem(ctx, "must not be given together with max_log_size", {
      path: ["log_max_size"],
      hint: "Keep only one of log_max_size and max_log_size",
    });
  }
}

function checkPortUse(service: ServiceEntry, ctx: ProblemSink): void {
  if (service.port !== undefined) return;
  const path = portUsePath(service);
  if (path === undefined) return;
  addProblem(ctx, `uses "${PORT_PLACEHOLDER}" but the service has no port`, {
    path,
    hint: "Add port = <number> to the service",
  });
}

function portUsePath(service: ServiceEntry): PropertyKey[] | undefined {
  const uses = (text: string) => text.includes(PORT_PLACEHOLDER);
  const arg = service.args.findIndex(uses);
  if (arg >= 0) return ["args", arg];
  const env = Object.entries(service.env).find(([, value]) => uses(value));
  if (env) return ["env", env[0]];
  const ready = service.ready;
  if (ready?.kind === "tcp" && uses(ready.target)) return ["ready", "tcp"];
  if (ready?.kind === "http" && uses(ready.url)) return ["ready", "http"];
  return undefined;
}

/** `timezone` and `overlap` mean something only with a `schedule`. */
function checkScheduleFields(entry: ServiceEntry, ctx: ProblemSink): void {
  if (entry.schedule !== undefined) {
    const inTable = typeof entry.schedule === "object" &&
      entry.schedule.timezone !== undefined;
    if (inTable && entry.timezone !== undefined) {
      addProblem(ctx, "must not be given twice (also in schedule)", {
        path: ["timezone"],
        hint: "Keep only one timezone",
      });
    }
    return;
  }
  for (const field of ["timezone", "overlap"] as const) {
    if (entry[field] === undefined) continue;
    addProblem(ctx, "needs a schedule", {
      path: [field],
      hint: 'Add schedule = "<cron pattern>", or remove it',
    });
  }
}
