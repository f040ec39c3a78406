import { z } from "npm:zod@4.6.7";
import {
  countSchema,
  httpAddressSchema,
  nonEmptyStringSchema,
} from "./_fields.ts";
import { positiveDurationMsSchema } from "./duration.ts";
import { workspacePaths } from "./paths.ts";
import { sizeBytesSchema } from "./size.ts";

/** `log_max_size` when not given: 10 MB. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** `log_backups` when not given. */
export const DEFAULT_LOG_BACKUPS = 5;

/** The default layout relative to the workspace; the loader resolves it. */
const relativePaths = workspacePaths(".");

const daemonShape = {
  "pid_file": nonEmptyStringSchema.optional(),
  "log_file": nonEmptyStringSchema.default(relativePaths.supervisorLog),
  "check_interval": positiveDurationMsSchema.default(3_000),
  http: httpAddressSchema.optional(),
  "log_max_size": sizeBytesSchema.default(DEFAULT_LOG_MAX_BYTES),
  "log_backups": countSchema.default(DEFAULT_LOG_BACKUPS),
};

/** The fields `[daemon]` may have. */
export const DAEMON_FIELDS: readonly string[] = Object.keys(daemonShape);

/**
 * The `[daemon]` table, output in tend's own spelling. `pidFile` and `logFile`
 * are still relative to the workspace when the user wrote them so.
 */
export const daemonSchema = z.strictObject(daemonShape, {
  error: "must be a table",
}).transform((daemon) => ({
  checkIntervalMs: daemon.check_interval,
  http: daemon.http ?? null,
  pidFile: daemon.pid_file ?? null,
  logFile: daemon.log_file,
  logMaxBytes: daemon.log_max_size,
  logBackups: daemon.log_backups,
}));
