import { z } from "npm:zod@4.6.7";
import {
  booleanSchema,
  countSchema,
  envSchema,
  exitCodesSchema,
  integerSchema,
  nameSchema,
  nonEmptyStringSchema,
  portSchema,
  stopSignalSchema,
  stringArraySchema,
} from "./_fields.ts";
import type { Same, ServiceEntry } from "./_entry.ts";
import { checkEntry } from "./_entry_checks.ts";
import { MAX_INSTANCES, SERVICE_DEFAULTS } from "./_rules.ts";
import { envFileSchema } from "./_env_file.ts";
import { readySchema } from "./_ready.ts";
import { serviceExtrasShape } from "./_service_extras.ts";
import { durationMsSchema, positiveDurationMsSchema } from "./duration.ts";
import { sizeBytesSchema } from "./size.ts";
import { overlapSchema, scheduleSchema, timezoneSchema } from "./_schedule.ts";

const D = SERVICE_DEFAULTS;

const serviceShape = {
  name: nameSchema,
  command: nonEmptyStringSchema,
  /** `"oneshot"`: a job, done when it exits with a success code. */
  type: z.enum(["service", "oneshot"], {
    error: 'must be "service" or "oneshot"',
  }).default(D.type),
  args: stringArraySchema.default(D.args),
  "working_directory": nonEmptyStringSchema.optional(),
  env: envSchema.default(D.env),
  "env_file": envFileSchema.optional(),
  port: portSchema.optional(),
  "port_strategy": z.enum(["next", "fail"], {
    error: 'must be "next" or "fail"',
  }).default(D.port_strategy),
  "auto_restart": booleanSchema.optional(),
  restart: z.enum(["always", "on-failure", "never"], {
    error: 'must be "always", "on-failure" or "never"',
  }).optional(),
  "success_exit_codes": exitCodesSchema.default(D.success_exit_codes),
  "restart_delay": durationMsSchema.default(D.restart_delay),
  "restart_delay_max": durationMsSchema.default(D.restart_delay_max),
  "min_uptime": durationMsSchema.default(D.min_uptime),
  "max_restarts": countSchema.default(D.max_restarts),
  "restart_window": positiveDurationMsSchema.default(D.restart_window),
  ready: readySchema.optional(),
  "ready_timeout": positiveDurationMsSchema.default(D.ready_timeout),
  "min_ready": durationMsSchema.default(D.min_ready),
  "stop_signal": stopSignalSchema.default(D.stop_signal),
  "stop_timeout": durationMsSchema.default(D.stop_timeout),
  "depends_on": stringArraySchema.default(D.depends_on),
  instances: integerSchema(1, MAX_INSTANCES).default(D.instances),
  "max_instances": integerSchema(1).optional(),
  autostart: booleanSchema.default(D.autostart),
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

const entrySchema = z.strictObject(serviceShape, { error: "must be a table" });

export type { ServiceEntry };

/** The zod schema's output is the entry that quick.ts builds too. */
const _sameEntry: Same<z.output<typeof entrySchema>, ServiceEntry> = true;

/** One `[[processes]]` entry, validated on its own (snake_case, in ms). */
export const serviceSchema = entrySchema.superRefine(checkEntry);
