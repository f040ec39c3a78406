import { z } from "zod";
import {
  booleanSchema,
  countSchema,
  envSchema,
  exitCodesSchema,
  integerSchema,
  nameSchema,
  nonEmptyStringSchema,
  PORT_PLACEHOLDER,
  portSchema,
  stopSignalSchema,
  stringArraySchema,
} from "./_fields.ts";
import { addProblem } from "./_problem.ts";
import { readySchema } from "./_ready.ts";
import { durationMsSchema, positiveDurationMsSchema } from "./duration.ts";
import { sizeBytesSchema } from "./size.ts";

/** Whether a service starts with `tend up` when `autostart` is not given. */
const AUTOSTART_BY_DEFAULT = true;

/** The most instances one `[[processes]]` entry may ask for. */
export const MAX_INSTANCES = 64;

/**
 * How long a service without a `ready` check must stay up to count as
 * ready: the exit watch that lets `start` report a service that dies at once
 * (a missing file, a bad flag, an import error) while returning soon after
 * the exec. A later exit is a crash, handled by the restart policy and shown
 * by `status`. It was 500 ms; 100 ms catches what dies at once (see README,
 * Readiness).
 */
export const DEFAULT_MIN_READY_MS = 100;

const scheduleSchema = z.unknown().superRefine((_value, ctx) => {
  addProblem(ctx, "is not supported by tend (no cron schedules)", {
    hint:
      'Remove "schedule" and run the job from cron or a systemd timer instead',
  });
});

const serviceShape = {
  name: nameSchema,
  command: nonEmptyStringSchema,
  args: stringArraySchema.default([]),
  "working_directory": nonEmptyStringSchema.optional(),
  env: envSchema.default({}),
  port: portSchema.optional(),
  "port_strategy": z.enum(["next", "fail"], {
    error: 'must be "next" or "fail"',
  }).default("fail"),
  "auto_restart": booleanSchema.optional(),
  restart: z.enum(["always", "on-failure", "never"], {
    error: 'must be "always", "on-failure" or "never"',
  }).optional(),
  "success_exit_codes": exitCodesSchema.default([0]),
  "restart_delay": durationMsSchema.default(100),
  "restart_delay_max": durationMsSchema.default(30_000),
  "min_uptime": durationMsSchema.default(10_000),
  "max_restarts": countSchema.default(10),
  "restart_window": positiveDurationMsSchema.default(60_000),
  ready: readySchema.optional(),
  "ready_timeout": positiveDurationMsSchema.default(30_000),
  "min_ready": durationMsSchema.default(DEFAULT_MIN_READY_MS),
  "stop_signal": stopSignalSchema.default("SIGTERM"),
  "stop_timeout": durationMsSchema.default(10_000),
  "depends_on": stringArraySchema.default([]),
  instances: integerSchema(1, MAX_INSTANCES).default(1),
  "max_instances": integerSchema(1).optional(),
  autostart: booleanSchema.default(AUTOSTART_BY_DEFAULT),
  "check_interval": positiveDurationMsSchema.optional(),
  "capture_output": booleanSchema.optional(),
  "log_file": nonEmptyStringSchema.optional(),
  "log_max_size": sizeBytesSchema.optional(),
  "max_log_size": sizeBytesSchema.optional(),
  "log_backups": countSchema.optional(),
  schedule: scheduleSchema.optional(),
};

/** The fields a `[[processes]]` entry may have. */
export const SERVICE_FIELDS: readonly string[] = Object.keys(serviceShape);

/** One `[[processes]]` entry, validated on its own (snake_case, in ms). */
export const serviceSchema = z.strictObject(serviceShape, {
  error: "must be a table",
}).superRefine((service, ctx) => {
  checkRestart(service, ctx);
  checkInstances(service, ctx);
  checkRestartDelays(service, ctx);
  checkLogSize(service, ctx);
  checkPortUse(service, ctx);
});

/** A `[[processes]]` entry after validation. */
export type ServiceEntry = z.output<typeof serviceSchema>;

type Ctx = z.core.$RefinementCtx<unknown>;

/** `restart` for `auto_restart`: mi7soft's boolean spelling. */
export function restartOf(
  service: ServiceEntry,
): NonNullable<ServiceEntry["restart"]> {
  if (service.restart !== undefined) return service.restart;
  if (service.auto_restart === undefined) return "on-failure";
  return service.auto_restart ? "always" : "never";
}

function checkRestart(service: ServiceEntry, ctx: Ctx): void {
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

function checkInstances(service: ServiceEntry, ctx: Ctx): void {
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

function checkRestartDelays(service: ServiceEntry, ctx: Ctx): void {
  if (service.restart_delay_max < service.restart_delay) {
    addProblem(
      ctx,
      `must be at least restart_delay (${service.restart_delay} ms), got ${service.restart_delay_max} ms`,
      { path: ["restart_delay_max"] },
    );
  }
}

function checkLogSize(service: ServiceEntry, ctx: Ctx): void {
  if (
    service.log_max_size !== undefined && service.max_log_size !== undefined
  ) {
    addProblem(ctx, "must not be given together with max_log_size", {
      path: ["log_max_size"],
      hint: "Keep only one of log_max_size and max_log_size",
    });
  }
}

function checkPortUse(service: ServiceEntry, ctx: Ctx): void {
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
