/**
 * The control API's status schemas: a service, the supervisor, how the
 * config file drifted, and `ping`.
 */
import * as z from "npm:zod@4.6.7/mini";
import { about } from "./_schema.ts";
import { isInstantText, MAX_INSTANT_CHARS } from "../named_checks.ts";

/** An instant in ISO 8601 form, as `Date.prototype.toISOString` writes it. */
export const Instant = about(
  z.string().check(
    z.maxLength(MAX_INSTANT_CHARS),
    z.refine(isInstantText, { error: "expected a date" }),
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
