/**
 * The control API's action schemas: start, stop, restart, run and reload,
 * and what they answer.
 */
import * as z from "npm:zod@4.6.7/mini";
import { about, OFF } from "./_schema.ts";
import { ConfigApplied, ServiceStatus } from "./status.ts";

/** Most names one request may carry. */
const MAX_NAMES = 1_000;
/** Longest service name a request may carry. */
const MAX_NAME_CHARS = 200;
/** `start` answers when every service is ready unless told not to wait. */
const WAIT_BY_DEFAULT = true;

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
