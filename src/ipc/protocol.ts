/**
 * The control API between the CLI and the supervisor: HTTP+JSON over the
 * workspace's unix socket. Every request and response is one zod schema
 * here; the server validates request bodies with them, the client validates
 * the answers, and every TypeScript type of the wire is inferred from them.
 * {@linkcode ENDPOINTS} lists the endpoints, for a router or an OpenAPI
 * generator (`z.toJSONSchema`, which reads the descriptions).
 *
 * Each schema is exported under the same name as its type:
 * `StartRequest.parse(body)` and `const body: StartRequest = ...`.
 *
 * Written with `zod/mini`: the CLI loads this module on every command that
 * talks to a supervisor, and mini costs less to load than classic zod
 * (measured in the README's figures).
 */
import * as z from "npm:zod@4.6.7/mini";
import en from "npm:zod@4.6.7/v4/locales/en.js";

// zod/mini carries no messages of its own; validation errors are shown to
// users, so they get the English ones (the same as classic zod's).
z.config(en());

/** Most names one request may carry. */
const MAX_NAMES = 1_000;
/** Longest service name a request may carry. */
const MAX_NAME_CHARS = 200;
/** Longest instant accepted; an ISO 8601 date has 24 characters. */
const MAX_INSTANT_CHARS = 40;
/** `start` answers when every service is ready unless told not to wait. */
const WAIT_BY_DEFAULT = true;
/** A flag left out of a request is off. */
const OFF = false;
/** `ok` of a success. */
const OK = true;
/** `ok` of a failure. */
const NOT_OK = false;

/** `schema` with a description (it becomes the JSON Schema's). */
function about<T extends z.ZodMiniType>(schema: T, text: string): T {
  return schema.check(z.describe(text)) as T;
}

/** An instant in ISO 8601 form, as `Date.prototype.toISOString` writes it. */
export const Instant = about(
  z.string().check(
    z.maxLength(MAX_INSTANT_CHARS),
    z.refine((text) => !Number.isNaN(Date.parse(text)), {
      error: "expected a date",
    }),
  ),
  "An instant (ISO 8601)",
);

/** The states a service can be in. */
export const ServiceState = about(
  z.enum([
    "starting",
    "running",
    "stopping",
    "stopped",
    "backoff",
    "failed",
    "completed",
    "stale",
  ]),
  "The state of a service (completed: a job that exited with success)",
);
/** The states a service can be in. */
export type ServiceState = z.infer<typeof ServiceState>;

/** How a service last ended. */
export const LastExit = about(
  z.object({
    code: about(
      z.nullable(z.int()),
      "Exit code, or null when a signal ended it or it was not our child",
    ),
    signal: about(z.nullable(z.string()), "Signal name, or null"),
    at: about(Instant, "When the exit was noticed (ISO 8601)"),
  }),
  "How a service last ended",
);
/** How a service last ended. */
export type LastExit = z.infer<typeof LastExit>;

/** One service as `status` shows it. */
export const ServiceStatus = about(
  z.object({
    name: about(z.string(), "The service's name in tend.toml"),
    status: ServiceState,
    pid: about(
      z.nullable(z.int()),
      "PID of its main process (also its process group), while it runs",
    ),
    port: about(z.nullable(z.int()), "The port it was given, if any"),
    startedAt: about(z.nullable(Instant), "When it started (ISO 8601)"),
    restarts: about(
      z.int(),
      "How many times the supervisor restarted it since a user last started it",
    ),
    lastExit: z.nullable(LastExit),
    nextRestartAt: about(
      z.nullable(Instant),
      "When the next restart is due, in backoff (ISO 8601)",
    ),
    reason: about(
      z.nullable(z.string()),
      "Why the service is stale or failed, in words; for a running service that tend restarted because of a watched file or max_memory, why: restarted: memory 612 MB > 512 MB",
    ),
    autostart: about(
      z.optional(z.boolean()),
      "Whether tend.toml starts it with the others (autostart); absent when unknown",
    ),
    uptimeSeconds: about(
      z.nullable(z.number()),
      "Seconds since it started, while it runs",
    ),
    cpuPercent: about(
      z.nullable(z.number()),
      "CPU use in percent of one core (see the README for the window)",
    ),
    rssBytes: about(
      z.nullable(z.number()),
      "Resident memory of its main process, in bytes",
    ),
    schedule: z.optional(about(
      z.object({
        cron: about(z.string(), "The cron pattern of schedule"),
        timezone: about(
          z.nullable(z.string()),
          "The time zone it is read in; null: the supervisor's local time",
        ),
        overlap: about(
          z.enum(["skip", "queue", "allow"]),
          "What a tick does while the last run still runs",
        ),
        nextRunAt: about(z.nullable(Instant), "When the next run is due"),
        lastRunAt: about(
          z.nullable(Instant),
          "When the scheduler last started a run",
        ),
        lastResult: about(
          z.nullable(z.string()),
          'How the last run went: "running", "ok", "failed (exit 1)", "failed: <why it could not start>"',
        ),
        skipped: about(
          z.int(),
          "Ticks skipped because a run was still going (since the supervisor started)",
        ),
        queued: about(z.boolean(), "A run waits for the current one to end"),
      }),
      "Present for a service with a schedule",
    )),
    oneOff: z.optional(about(
      z.boolean(),
      "Present (true) for a one-off service of tend run, which tend.toml does not list",
    )),
    portNote: z.optional(about(
      z.string(),
      'Present when port_strategy = "next" gave another port than the wanted one: port 8701 (8700 is in use by pid 42: python3 ...)',
    )),
  }),
  "One service as status shows it",
);
/** One service as `status` shows it. */
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/** The supervisor as `status` shows it. */
export const SupervisorStatus = about(
  z.object({
    status: about(
      z.enum(["running", "stopped", "stale"]),
      "Whether a supervisor serves the workspace",
    ),
    pid: about(z.nullable(z.int()), "The supervisor's PID"),
    startedAt: about(z.nullable(Instant), "When it started (ISO 8601)"),
    version: about(z.nullable(z.string()), "The tend version it runs"),
  }),
  "The supervisor as status shows it",
);
/** The supervisor as `status` shows it. */
export type SupervisorStatus = z.infer<typeof SupervisorStatus>;

/** `GET /v1/status` */
/** How the config file on disk differs from what the supervisor runs. */
export const ConfigDrift = z.object({
  file: about(z.string(), "The config file (absolute)"),
  added: about(
    z.array(z.string()),
    "Services the file lists that the supervisor does not run",
  ),
  removed: about(
    z.array(z.string()),
    "Services the supervisor runs that the file no longer lists",
  ),
  changed: about(
    z.array(z.string()),
    "Services whose definition in the file differs from the one in force",
  ),
  error: about(
    z.nullable(z.string()),
    "Why the file cannot be loaded (invalid or gone); the lists are then empty",
  ),
});
/** How the config file on disk differs from what the supervisor runs. */
export type ConfigDrift = z.infer<typeof ConfigDrift>;

/** What a start, restart or up applied of a changed config file first. */
export const ConfigApplied = z.object({
  file: about(z.string(), "The config file (absolute)"),
  added: about(z.array(z.string()), "Services new to the supervisor"),
  changed: about(
    z.array(z.string()),
    "Services whose definition was replaced by the file's",
  ),
});
/** What a start, restart or up applied of a changed config file first. */
export type ConfigApplied = z.infer<typeof ConfigApplied>;

export const StatusResponse = about(
  z.object({
    workspace: about(z.string(), "The workspace's root directory"),
    supervisor: SupervisorStatus,
    services: about(
      z.array(ServiceStatus),
      "Every service, in config order",
    ),
    configDrift: z.optional(about(
      ConfigDrift,
      "Present when the config file differs from what the supervisor runs",
    )),
  }),
  "Every service's status",
);
/** `GET /v1/status` */
export type StatusResponse = z.infer<typeof StatusResponse>;

/** The services a request acts on; missing or null is all of them. */
const Names = about(
  z.pipe(
    z.nullish(
      z.array(
        z.string().check(
          z.minLength(1, { error: "a service name cannot be empty" }),
          z.maxLength(MAX_NAME_CHARS, {
            error: `a service name has at most ${MAX_NAME_CHARS} characters`,
          }),
        ),
        { error: "expected a list of service names" },
      ).check(z.maxLength(MAX_NAMES, { error: `at most ${MAX_NAMES} names` })),
    ),
    z.transform((names: string[] | null | undefined): string[] => names ?? []),
  ),
  "The services to act on; empty or missing means all of them",
);

/** `POST /v1/start` */
export const StartRequest = about(
  z.strictObject({
    names: Names,
    wait: about(
      z._default(z.boolean(), WAIT_BY_DEFAULT),
      "Answer when every service is ready (true) or at once (false)",
    ),
  }),
  "Start services (all autostart ones when names is empty)",
);
/** `POST /v1/start` */
export type StartRequest = z.infer<typeof StartRequest>;

/** `POST /v1/stop` */
export const StopRequest = about(
  z.strictObject({
    names: Names,
    force: z.optional(about(
      z.boolean(),
      "SIGKILL each process group at once instead of its stop signal (kill)",
    )),
    closing: about(
      z._default(z.boolean(), OFF),
      "A shutdown follows (tend down): refuse starts from now on",
    ),
  }),
  "Stop services (all when names is empty)",
);
/** `POST /v1/stop` */
export type StopRequest = z.infer<typeof StopRequest>;

/** `POST /v1/restart` */
export const RestartRequest = about(
  z.strictObject({ names: Names }),
  "Restart services (all running ones when names is empty)",
);
/** `POST /v1/restart` */
export type RestartRequest = z.infer<typeof RestartRequest>;

/** What a start, stop or restart did to one service. */
export const Action = about(
  z.enum([
    "started",
    "already-running",
    "stopped",
    "already-stopped",
    "restarted",
    "failed",
  ]),
  "What was done to the service (failed: see error)",
);
/** What a start, stop or restart did to one service. */
export type Action = z.infer<typeof Action>;

/** Why an action on one service failed. */
export const ActionError = about(
  z.object({
    code: about(z.string(), "A tend error code, such as START_FAILED"),
    message: about(z.string(), "One sentence saying what went wrong"),
    hint: about(z.optional(z.string()), "What to do about it"),
    logTail: about(
      z.optional(z.string()),
      "The last lines the service logged during this attempt",
    ),
  }),
  "Why an action on one service failed",
);
/** Why an action on one service failed. */
export type ActionError = z.infer<typeof ActionError>;

/** What happened to one service in a start, stop or restart. */
export const ActionResult = z.object({
  name: about(z.string(), "The service's name"),
  action: Action,
  service: ServiceStatus,
  dependsOn: about(
    z.optional(z.string()),
    "Set when the service was acted on only because it depends on this one, which was (stop, restart)",
  ),
  error: about(
    z.optional(ActionError),
    "Why the action failed; present exactly when action is failed",
  ),
  restartedAgoMs: about(
    z.optional(z.number()),
    "already-running only: the supervisor itself restarted the service (after an exit) this many ms ago",
  ),
  killed: about(
    z.optional(z.boolean()),
    "stopped only: the service ignored its stop_signal for stop_timeout and needed SIGKILL",
  ),
});
/** What happened to one service in a start, stop or restart. */
export type ActionResult = z.infer<typeof ActionResult>;

/** Response of start, stop and restart. */
export const ActionResponse = z.object({
  results: about(z.array(ActionResult), "One result per service acted on"),
  applied: z.optional(about(
    ConfigApplied,
    "start and restart: what of a changed config file was applied first",
  )),
});
/** Response of start, stop and restart. */
export type ActionResponse = z.infer<typeof ActionResponse>;

/** `POST /v1/run` */
export const RunRequest = about(
  z.strictObject({
    name: about(
      z.string().check(z.minLength(1), z.maxLength(MAX_NAME_CHARS)),
      "The one-off service's name (not one of tend.toml)",
    ),
    command: about(z.string().check(z.minLength(1)), "The program to run"),
    args: about(
      z._default(z.array(z.string()).check(z.maxLength(MAX_NAMES)), []),
      "Its arguments",
    ),
    port: z.optional(about(z.int(), "The port to give it ({port})")),
    ready: z.optional(about(
      z.record(z.string(), z.union([z.string(), z.int()])),
      'A ready table as in tend.toml, e.g. { "http": "http://127.0.0.1:{port}/" }',
    )),
  }),
  "Start a one-off service that tend.toml does not list (gone after down)",
);
/** `POST /v1/run` */
export type RunRequest = z.infer<typeof RunRequest>;

/** `POST /v1/reload`: no fields. */
export const ReloadRequest = about(
  z.strictObject({}),
  "Re-read tend.toml and apply the difference",
);
/** `POST /v1/reload` */
export type ReloadRequest = z.infer<typeof ReloadRequest>;

/** Which services a reload found new, gone, changed and unchanged. */
export const ServiceDiff = z.object({
  added: about(z.array(z.string()), "Services new in tend.toml"),
  removed: about(z.array(z.string()), "Services gone from tend.toml"),
  changed: about(z.array(z.string()), "Services whose config changed"),
  unchanged: about(z.array(z.string()), "Services left as they were"),
});
/** Which services a reload found new, gone, changed and unchanged. */
export type ServiceDiff = z.infer<typeof ServiceDiff>;

/** Response of `POST /v1/reload`. */
export const ReloadResponse = z.extend(ServiceDiff, {
  results: about(
    z.array(ActionResult),
    "What the reload did to each service it acted on (stopped a removed one, restarted a changed one, started an added one), failures included",
  ),
});
/** Response of `POST /v1/reload`. */
export type ReloadResponse = z.infer<typeof ReloadResponse>;

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

/** `GET /v1/ping` */
export const PingResponse = about(
  z.object({
    pid: about(z.int(), "The supervisor's PID"),
    workspace: about(z.string(), "The workspace's root directory"),
    version: about(z.string(), "The tend version it runs"),
  }),
  "Who serves the workspace",
);
/** `GET /v1/ping` */
export type PingResponse = z.infer<typeof PingResponse>;

/** A failure: its code, its sentence, and what to do about it. */
export const ErrorDetail = z.object({
  code: about(z.string(), "A tend error code, such as UNKNOWN_SERVICE"),
  message: about(z.string(), "One sentence saying what went wrong"),
  hint: about(z.optional(z.string()), "What to do about it"),
});
/** A failure: its code, its sentence, and what to do about it. */
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** Body of every non-2xx response. */
export const ErrorBody = about(
  z.object({ error: ErrorDetail }),
  "Body of every non-2xx response",
);
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
    pid: about(z.int(), "The supervisor's PID"),
    lost: about(
      z.boolean(),
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
  readonly request: z.ZodMiniType | null;
  /** Schema of the 2xx answer. */
  readonly response: z.ZodMiniType;
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
  run: {
    method: "POST",
    path: "/v1/run",
    request: RunRequest,
    response: ActionResponse,
  },
  reload: {
    method: "POST",
    path: "/v1/reload",
    request: ReloadRequest,
    response: ReloadResponse,
  },
  http: {
    method: "POST",
    path: "/v1/http",
    request: HttpRequest,
    response: HttpResponse,
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
