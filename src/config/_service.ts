import { z } from "npm:zod@4.6.7";
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
import { envFileSchema } from "./_env_file.ts";
import { readySchema } from "./_ready.ts";
import { serviceExtrasShape } from "./_service_extras.ts";
import { durationMsSchema, positiveDurationMsSchema } from "./duration.ts";
import { sizeBytesSchema } from "./size.ts";
import {
  checkScheduleFields,
  overlapSchema,
  scheduleSchema,
  timezoneSchema,
} from "./_schedule.ts";

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

const serviceShape = {
  name: nameSchema,
  command: nonEmptyStringSchema,
  /** `"oneshot"`: a job, done when it exits with a success code. */
  type: z.enum(["service", "oneshot"], {
    error: 'must be "service" or "oneshot"',
  }).default("service"),
  args: stringArraySchema.default([]),
  "working_directory": nonEmptyStringSchema.optional(),
  env: envSchema.default({}),
  "env_file": envFileSchema.optional(),
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
  timezone: timezoneSchema.optional(),
  overlap: overlapSchema.optional(),
  /** The container image of `tend export compose`; tend itself ignores it. */
  image: nonEmptyStringSchema.optional(),
  ...serviceExtrasShape,
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
  checkJob(service, ctx);
  checkScheduleFields(service, ctx);
});

/** A `[[processes]]` entry after validation. */
export type ServiceEntry = z.output<typeof serviceSchema>;

type Ctx = z.core.$RefinementCtx<unknown>;

/**
 * `restart` for `auto_restart`: mi7soft's boolean spelling. Without either,
 * a service restarts on failure and a job (`type = "oneshot"`) never.
 */
export function restartOf(
  service: ServiceEntry,
): NonNullable<ServiceEntry["restart"]> {
  if (service.restart !== undefined) return service.restart;
  if (service.auto_restart === undefined) {
    return service.type === "oneshot" ? "never" : "on-failure";
  }
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

function checkJob(service: ServiceEntry, ctx: Ctx): void {
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
