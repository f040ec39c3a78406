import { z } from "npm:zod@4.6.7";
import {
  booleanSchema,
  countSchema,
  httpAddressSchema,
  nonEmptyStringSchema,
} from "./_fields.ts";
import { addProblem } from "./_problem.ts";
import { positiveDurationMsSchema } from "./duration.ts";
import { workspacePaths } from "./paths.ts";
import { sizeBytesSchema } from "./size.ts";
import { DEFAULT_HTTP_ADDRESS } from "./http_default.ts";

/** Where the dashboard and HTTP API listen with `http = true`. */
export { DEFAULT_HTTP_ADDRESS };

/** `log_max_size` when not given: 10 MB. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** `log_backups` when not given. */
export const DEFAULT_LOG_BACKUPS = 5;

/** `http_allow_remote` when not given: loopback only. */
const REMOTE_BY_DEFAULT = false;

/** `http = true` (the default address), `false` (none) or `"host:port"`. */
const httpSchema = z.union([
  httpAddressSchema,
  booleanSchema.transform((on) => on ? { ...DEFAULT_HTTP_ADDRESS } : null),
], { error: 'must be an address "host:port", e.g. "127.0.0.1:8644", or true' });

/** Whether `hostname` is a loopback address (or `localhost`). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The default layout relative to the workspace; the loader resolves it. */
const relativePaths = workspacePaths(".");

const daemonShape = {
  "pid_file": nonEmptyStringSchema.optional(),
  "log_file": nonEmptyStringSchema.default(relativePaths.supervisorLog),
  "check_interval": positiveDurationMsSchema.default(3_000),
  http: httpSchema.optional(),
  "http_allow_remote": booleanSchema.default(REMOTE_BY_DEFAULT),
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
}).superRefine((daemon, ctx) => {
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
}).transform((daemon) => ({
  checkIntervalMs: daemon.check_interval,
  http: daemon.http ?? null,
  httpAllowRemote: daemon.http_allow_remote,
  pidFile: daemon.pid_file ?? null,
  logFile: daemon.log_file,
  logMaxBytes: daemon.log_max_size,
  logBackups: daemon.log_backups,
}));
