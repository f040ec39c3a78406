/**
 * The control API between the CLI and the supervisor: HTTP+JSON over the
 * workspace's unix socket. Every request and response is one zod schema
 * here; the server validates request bodies with them, the client validates
 * the answers, and every TypeScript type of the wire is inferred from them.
 * {@linkcode ENDPOINTS} lists the endpoints, for a router or an OpenAPI
 * generator (`z.toJSONSchema`).
 *
 * Each schema is exported under the same name as its type:
 * `StartRequest.parse(body)` and `const body: StartRequest = ...`.
 */
import { z } from "zod";

/** Most names one request may carry. */
const MAX_NAMES = 1_000;
/** Longest service name a request may carry. */
const MAX_NAME_CHARS = 200;

/** `start` answers when every service is ready unless told not to wait. */
const WAIT_BY_DEFAULT = true;
/** A flag left out of a request is off. */
const OFF = false;
/** `ok` of a success. */
const OK = true;
/** `ok` of a failure. */
const NOT_OK = false;

/** Longest instant accepted; an ISO 8601 date has 24 characters. */
const MAX_INSTANT_CHARS = 40;

/** An instant in ISO 8601 form, as `Date.prototype.toISOString` writes it. */
export const Instant = z.string().max(MAX_INSTANT_CHARS).refine(
  (text) => !Number.isNaN(Date.parse(text)),
  { error: "expected a date" },
).describe("An instant (ISO 8601)");

/** The states a service can be in. */
export const ServiceState = z.enum([
  "starting",
  "running",
  "stopping",
  "stopped",
  "backoff",
  "failed",
  "stale",
]).describe("The state of a service");
/** The states a service can be in. */
export type ServiceState = z.infer<typeof ServiceState>;

/** How a service last ended. */
export const LastExit = z.object({
  code: z.number().int().nullable().describe(
    "Exit code, or null when a signal ended it or it was not our child",
  ),
  signal: z.string().nullable().describe("Signal name, or null"),
  at: Instant.describe("When the exit was noticed (ISO 8601)"),
}).describe("How a service last ended");
/** How a service last ended. */
export type LastExit = z.infer<typeof LastExit>;

/** One service as `status` shows it. */
export const ServiceStatus = z.object({
  name: z.string().describe("The service's name in tend.toml"),
  status: ServiceState,
  pid: z.number().int().nullable().describe(
    "PID of its main process (also its process group), while it runs",
  ),
  port: z.number().int().nullable().describe("The port it was given, if any"),
  startedAt: Instant.nullable().describe("When it started (ISO 8601)"),
  restarts: z.number().int().describe("How many times it was restarted"),
  lastExit: LastExit.nullable(),
  nextRestartAt: Instant.nullable().describe(
    "When the next restart is due, in backoff (ISO 8601)",
  ),
  reason: z.string().nullable().describe(
    "Why the service is stale or failed, in words",
  ),
  uptimeSeconds: z.number().nullable().describe(
    "Seconds since it started, while it runs",
  ),
  cpuPercent: z.number().nullable().describe(
    "CPU use in percent of one core (see the README for the window)",
  ),
  rssBytes: z.number().nullable().describe(
    "Resident memory of its main process, in bytes",
  ),
}).describe("One service as status shows it");
/** One service as `status` shows it. */
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/** The supervisor as `status` shows it. */
export const SupervisorStatus = z.object({
  status: z.enum(["running", "stopped", "stale"]).describe(
    "Whether a supervisor serves the workspace",
  ),
  pid: z.number().int().nullable().describe("The supervisor's PID"),
  startedAt: Instant.nullable().describe("When it started (ISO 8601)"),
  version: z.string().nullable().describe("The tend version it runs"),
}).describe("The supervisor as status shows it");
/** The supervisor as `status` shows it. */
export type SupervisorStatus = z.infer<typeof SupervisorStatus>;

/** `GET /v1/status` */
export const StatusResponse = z.object({
  workspace: z.string().describe("The workspace's root directory"),
  supervisor: SupervisorStatus,
  services: z.array(ServiceStatus).describe("Every service, in config order"),
}).describe("Every service's status");
/** `GET /v1/status` */
export type StatusResponse = z.infer<typeof StatusResponse>;

/** The services a request acts on; missing or null is all of them. */
const Names = z.array(
  z.string().max(MAX_NAME_CHARS, {
    error: `a service name has at most ${MAX_NAME_CHARS} characters`,
  }),
  { error: "expected a list of service names" },
).max(MAX_NAMES, { error: `at most ${MAX_NAMES} names` })
  .nullish()
  .transform((names) => names ?? [])
  .describe("The services to act on; empty or missing means all of them");

/** `POST /v1/start` */
export const StartRequest = z.object({
  names: Names,
  wait: z.boolean().default(WAIT_BY_DEFAULT).describe(
    "Answer when every service is ready (true) or at once (false)",
  ),
}).describe("Start services (all autostart ones when names is empty)");
/** `POST /v1/start` */
export type StartRequest = z.infer<typeof StartRequest>;

/** `POST /v1/stop` */
export const StopRequest = z.object({ names: Names })
  .describe("Stop services (all when names is empty)");
/** `POST /v1/stop` */
export type StopRequest = z.infer<typeof StopRequest>;

/** `POST /v1/restart` */
export const RestartRequest = z.object({ names: Names })
  .describe("Restart services (all running ones when names is empty)");
/** `POST /v1/restart` */
export type RestartRequest = z.infer<typeof RestartRequest>;

/** What a start, stop or restart did to one service. */
export const Action = z.enum([
  "started",
  "already-running",
  "stopped",
  "already-stopped",
  "restarted",
]).describe("What was done to the service");
/** What a start, stop or restart did to one service. */
export type Action = z.infer<typeof Action>;

/** What happened to one service in a start, stop or restart. */
export const ActionResult = z.object({
  name: z.string().describe("The service's name"),
  action: Action,
  service: ServiceStatus,
});
/** What happened to one service in a start, stop or restart. */
export type ActionResult = z.infer<typeof ActionResult>;

/** Response of start, stop and restart. */
export const ActionResponse = z.object({
  results: z.array(ActionResult).describe("One result per service acted on"),
});
/** Response of start, stop and restart. */
export type ActionResponse = z.infer<typeof ActionResponse>;

/** `POST /v1/reload`: no fields. */
export const ReloadRequest = z.object({})
  .describe("Re-read tend.toml and apply the difference");
/** `POST /v1/reload` */
export type ReloadRequest = z.infer<typeof ReloadRequest>;

/** Response of `POST /v1/reload`. */
export const ReloadResponse = z.object({
  added: z.array(z.string()).describe("Services new in tend.toml"),
  removed: z.array(z.string()).describe("Services gone from tend.toml"),
  changed: z.array(z.string()).describe("Services whose config changed"),
  unchanged: z.array(z.string()).describe("Services left as they were"),
});
/** Response of `POST /v1/reload`. */
export type ReloadResponse = z.infer<typeof ReloadResponse>;

/** `POST /v1/shutdown` */
export const ShutdownRequest = z.object({
  stopServices: z.boolean().default(OFF).describe(
    "Stop every service first (tend down); otherwise leave them running",
  ),
}).describe("End the supervisor");
/** `POST /v1/shutdown` */
export type ShutdownRequest = z.infer<typeof ShutdownRequest>;

/** Response of `POST /v1/shutdown`. */
export const ShutdownResponse = z.object({ ok: z.literal(OK) });
/** Response of `POST /v1/shutdown`. */
export type ShutdownResponse = z.infer<typeof ShutdownResponse>;

/** A process tagged with the workspace that no service tracks. */
export const OrphanProcess = z.object({
  pid: z.number().int().describe("Its PID"),
  pgid: z.number().int().describe("Its process group"),
  service: z.string().nullable().describe("Its TEND_SERVICE tag, if any"),
  command: z.string().describe("Its command line"),
});
/** A process tagged with the workspace that no service tracks. */
export type OrphanProcess = z.infer<typeof OrphanProcess>;

/** `POST /v1/cleanup` */
export const CleanupRequest = z.object({
  dryRun: z.boolean().default(OFF).describe(
    "List only; end nothing, remove nothing",
  ),
}).describe("End untracked tagged processes and remove stale files");
/** `POST /v1/cleanup` */
export type CleanupRequest = z.infer<typeof CleanupRequest>;

/** What `cleanup` found and did. */
export const CleanupResponse = z.object({
  orphans: z.array(OrphanProcess).describe(
    "Tagged processes no service tracks",
  ),
  staleFiles: z.array(z.string()).describe("Stale files found (or removed)"),
  killed: z.array(z.number().int()).describe(
    "PIDs that ignored the stop signal and needed SIGKILL",
  ),
  dryRun: z.boolean().describe("Whether this was a dry run"),
});
/** What `cleanup` found and did. */
export type CleanupResponse = z.infer<typeof CleanupResponse>;

/** `GET /v1/ping` */
export const PingResponse = z.object({
  pid: z.number().int().describe("The supervisor's PID"),
  workspace: z.string().describe("The workspace's root directory"),
  version: z.string().describe("The tend version it runs"),
}).describe("Who serves the workspace");
/** `GET /v1/ping` */
export type PingResponse = z.infer<typeof PingResponse>;

/** A failure: its code, its sentence, and what to do about it. */
export const ErrorDetail = z.object({
  code: z.string().describe("A tend error code, such as UNKNOWN_SERVICE"),
  message: z.string().describe("One sentence saying what went wrong"),
  hint: z.string().optional().describe("What to do about it"),
});
/** A failure: its code, its sentence, and what to do about it. */
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** Body of every non-2xx response. */
export const ErrorBody = z.object({ error: ErrorDetail })
  .describe("Body of every non-2xx response");
/** Body of every non-2xx response. */
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * The one line a background supervisor writes to its stdout for the CLI
 * that launched it: serving (or another one won the lock race), or why it
 * could not start.
 */
export const Handshake = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(OK),
    pid: z.number().int().describe("The supervisor's PID"),
    lost: z.boolean().describe(
      "Another supervisor holds the lock and serves; this one exits",
    ),
  }),
  z.object({ ok: z.literal(NOT_OK), error: ErrorDetail }),
]);
/** The one line a background supervisor writes to the CLI that launched it. */
export type Handshake = z.infer<typeof Handshake>;

/** One endpoint of the control API. */
export interface Endpoint {
  readonly method: "GET" | "POST";
  readonly path: `/v1/${string}`;
  /** Schema of the JSON body; `null` for a GET. */
  readonly request: z.ZodType | null;
  /** Schema of the 2xx answer. */
  readonly response: z.ZodType;
}

/** Every endpoint of the control API, by operation name. */
export const ENDPOINTS = {
  ping: {
    method: "GET",
    path: "/v1/ping",
    request: null,
    response: PingResponse,
  },
  status: {
    method: "GET",
    path: "/v1/status",
    request: null,
    response: StatusResponse,
  },
  start: {
    method: "POST",
    path: "/v1/start",
    request: StartRequest,
    response: ActionResponse,
  },
  stop: {
    method: "POST",
    path: "/v1/stop",
    request: StopRequest,
    response: ActionResponse,
  },
  restart: {
    method: "POST",
    path: "/v1/restart",
    request: RestartRequest,
    response: ActionResponse,
  },
  reload: {
    method: "POST",
    path: "/v1/reload",
    request: ReloadRequest,
    response: ReloadResponse,
  },
  shutdown: {
    method: "POST",
    path: "/v1/shutdown",
    request: ShutdownRequest,
    response: ShutdownResponse,
  },
  cleanup: {
    method: "POST",
    path: "/v1/cleanup",
    request: CleanupRequest,
    response: CleanupResponse,
  },
} as const satisfies Record<string, Endpoint>;

/** The name of an operation of the control API. */
export type Operation = keyof typeof ENDPOINTS;
