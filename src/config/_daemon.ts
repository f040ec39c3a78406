import { z } from "npm:zod@4.6.7";
import {
  booleanSchema,
  countSchema,
  httpAddressSchema,
  nonEmptyStringSchema,
} from "./_fields.ts";
import type { DaemonTable, Same } from "./_entry.ts";
import { checkDaemon } from "./_entry_checks.ts";
import { daemonOf, httpOf } from "./_expand.ts";
import { DAEMON_DEFAULTS } from "./_rules.ts";
import { positiveDurationMsSchema } from "./duration.ts";
import { sizeBytesSchema } from "./size.ts";
const D = DAEMON_DEFAULTS;

/** `http = true` (the default address), `false` (none) or `"host:port"`. */
const httpSchema = z.union([
  httpAddressSchema,
  booleanSchema.transform(httpOf),
], { error: 'must be an address "host:port", e.g. "127.0.0.1:8644", or true' });

const daemonShape = {
  "pid_file": nonEmptyStringSchema.optional(),
  "log_file": nonEmptyStringSchema.default(D.log_file),
  "check_interval": positiveDurationMsSchema.default(D.check_interval),
  http: httpSchema.optional(),
  "http_allow_remote": booleanSchema.default(D.http_allow_remote),
  "log_max_size": sizeBytesSchema.default(D.log_max_size),
  "log_backups": countSchema.default(D.log_backups),
};

/** The fields `[daemon]` may have. */
export const DAEMON_FIELDS: readonly string[] = Object.keys(daemonShape);

const tableSchema = z.strictObject(daemonShape, { error: "must be a table" });

export type { DaemonTable };

/** The zod schema's output is the table that quick.ts builds too. */
const _sameTable: Same<z.output<typeof tableSchema>, DaemonTable> = true;

/**
 * The `[daemon]` table, output in tend's own spelling. `pidFile` and `logFile`
 * are still relative to the workspace when the user wrote them so.
 */
export const daemonSchema = tableSchema.superRefine(checkDaemon).transform(
  daemonOf,
);
