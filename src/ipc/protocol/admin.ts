/**
 * The control API's schemas of shutdown, http, cleanup and a service's log
 * lines.
 */
import * as z from "npm:zod@4.6.7/mini";
import { about, OFF, OK } from "./_schema.ts";

/** `POST /v1/shutdown` */
export const ShutdownRequest = about(
  z.strictObject({
    stopServices: about(
      z._default(z.boolean(), OFF),
      "Stop every service first (tend down); otherwise leave them running",
    ),
  }),
  "End the supervisor",
);
/** `POST /v1/shutdown` */
export type ShutdownRequest = z.infer<typeof ShutdownRequest>;

/** Response of `POST /v1/shutdown`. */
export const ShutdownResponse = z.object({ ok: z.literal(OK) });
/** Response of `POST /v1/shutdown`. */
export type ShutdownResponse = z.infer<typeof ShutdownResponse>;

/** `POST /v1/http` */
export const HttpRequest = about(
  z.strictObject({}),
  "Serve the HTTP API and dashboard (started when it does not listen yet)",
);
/** `POST /v1/http` */
export type HttpRequest = z.infer<typeof HttpRequest>;

/** Response of `POST /v1/http`: where the HTTP API listens. */
export const HttpResponse = z.object({
  url: about(z.string(), "http://host:port, without the token"),
  token: about(z.string(), "The token every HTTP request needs"),
});
/** Response of `POST /v1/http`. */
export type HttpResponse = z.infer<typeof HttpResponse>;

/** The last lines of a service's log (HTTP API, MCP, library). */
export const LogsResponse = z.object({
  service: about(z.string(), "The service's name"),
  lines: about(z.array(z.string()), "Its log lines, oldest first"),
});
/** The last lines of a service's log. */
export type LogsResponse = z.infer<typeof LogsResponse>;

/** A process tagged with the workspace that no service tracks. */
export const OrphanProcess = z.object({
  pid: about(z.int(), "Its PID"),
  pgid: about(z.int(), "Its process group"),
  service: about(z.nullable(z.string()), "Its TEND_SERVICE tag, if any"),
  command: about(z.string(), "Its command line"),
});
/** A process tagged with the workspace that no service tracks. */
export type OrphanProcess = z.infer<typeof OrphanProcess>;

/** `POST /v1/cleanup` */
export const CleanupRequest = about(
  z.strictObject({
    dryRun: about(
      z._default(z.boolean(), OFF),
      "List only; end nothing, remove nothing",
    ),
  }),
  "End untracked tagged processes and remove stale files",
);
/** `POST /v1/cleanup` */
export type CleanupRequest = z.infer<typeof CleanupRequest>;

/** What `cleanup` found and did. */
export const CleanupResponse = z.object({
  orphans: about(
    z.array(OrphanProcess),
    "Tagged processes no service tracks",
  ),
  staleFiles: about(z.array(z.string()), "Stale files found (or removed)"),
  killed: about(
    z.array(z.int()),
    "PIDs that ignored the stop signal and needed SIGKILL",
  ),
  dryRun: about(z.boolean(), "Whether this was a dry run"),
});
/** What `cleanup` found and did. */
export type CleanupResponse = z.infer<typeof CleanupResponse>;
