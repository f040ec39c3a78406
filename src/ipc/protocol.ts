/**
 * The control API between the CLI and the supervisor: HTTP+JSON over the
 * workspace's unix socket. Every request and response type lives here.
 */

/**
 * The states a service can be in.
 *
 * @example
 * ```ts ignore
 * const ok: ServiceStatus = "running";
 * ```
 */
export type ServiceStatus =
  | "starting"
  | "running"
  | "stopping"
  | "stopped"
  | "backoff"
  | "failed"
  | "stale";

/**
 * How a service last ended.
 *
 * @example
 * ```ts ignore
 * const exit: LastExit = { code: 1, signal: null, at: new Date().toISOString() };
 * ```
 */
export interface LastExit {
  /** Exit code, or `null` when a signal ended it or it was not our child. */
  code: number | null;
  /** Signal name, or `null`. */
  signal: string | null;
  /** When the exit was noticed (ISO 8601). */
  at: string;
}

/**
 * One service as `status` shows it.
 *
 * @example
 * ```ts ignore
 * const web = (await ws.status(["web"])).services[0];
 * ```
 */
export interface ServiceView {
  /** The service (an instance: `NAME.N`). */
  name: string;
  /** Its state. */
  status: ServiceStatus;
  /** The PID of its main process (its process group), while it has one. */
  pid: number | null;
  /** The port it was granted, if it has one. */
  port: number | null;
  /** When it started (ISO 8601), while it runs. */
  startedAt: string | null;
  /** Restarts by the restart policy since it was started by hand. */
  restarts: number;
  /** How it last ended, or `null`. */
  lastExit: LastExit | null;
  /** When the next restart is due, in `backoff` (ISO 8601). */
  nextRestartAt: string | null;
  /** Why the service is `stale` or `failed`, in words. */
  reason: string | null;
  /** Seconds since it started, while it runs. */
  uptimeSeconds: number | null;
  /** CPU use in percent of one core (see the README for the window). */
  cpuPercent: number | null;
  /** Resident memory of its main process, in bytes. */
  rssBytes: number | null;
}

/**
 * The supervisor as `status` shows it.
 *
 * @example
 * ```ts ignore
 * const { supervisor } = await ws.status();
 * if (supervisor.status === "running") console.log(supervisor.pid);
 * ```
 */
export interface SupervisorView {
  /** `stale`: its PID file remains but no process holds the lock. */
  status: "running" | "stopped" | "stale";
  /** Its PID, when known. */
  pid: number | null;
  /** When it started (ISO 8601). */
  startedAt: string | null;
  /** The tend version it runs. */
  version: string | null;
}

/**
 * `GET /v1/status`
 *
 * @example
 * ```ts ignore
 * const status: StatusResponse = await ws.status();
 * ```
 */
export interface StatusResponse {
  /** The workspace directory (absolute). */
  workspace: string;
  /** The supervisor. */
  supervisor: SupervisorView;
  /** Every service (or those asked for), in config order. */
  services: ServiceView[];
}

/** `POST /v1/start`, `/v1/stop`, `/v1/restart`: the names to act on (all when empty). */
export interface NamesRequest {
  /** Service (or group) names; all when empty. */
  names: string[];
  /** `start` only: answer at once instead of when every service is ready. @default {true} */
  wait?: boolean;
  /** `stop` only: SIGKILL each process group at once, no grace. @default {false} */
  force?: boolean;
}

/**
 * What happened to one service in a start, stop or restart.
 *
 * @example
 * ```ts ignore
 * for (const { name, action } of (await ws.stop()).results) console.log(name, action);
 * ```
 */
export interface ActionResult {
  /** The service. */
  name: string;
  /** What was done. */
  action:
    | "started"
    | "already-running"
    | "stopped"
    | "already-stopped"
    | "restarted";
  /** The service afterwards. */
  service: ServiceView;
}

/**
 * Response of start, stop and restart.
 *
 * @example
 * ```ts ignore
 * const { results }: ActionResponse = await ws.start(["web"]);
 * ```
 */
export interface ActionResponse {
  /** One result per service, in the order acted on. */
  results: ActionResult[];
}

/**
 * `POST /v1/reload`
 *
 * @example
 * ```ts ignore
 * const { added, removed, changed }: ReloadResponse = await ws.reload();
 * ```
 */
export interface ReloadResponse {
  /** Services new in the config (started when autostart). */
  added: string[];
  /** Services gone from the config (stopped). */
  removed: string[];
  /** Services whose definition changed (restarted). */
  changed: string[];
  /** Services left running as they were. */
  unchanged: string[];
}

/** `POST /v1/shutdown` */
export interface ShutdownRequest {
  /** Stop every service first (`tend down`); otherwise leave them running. */
  stopServices: boolean;
}

/** Body of every non-2xx response. */
export interface ErrorBody {
  /** The error code (as `TendError.code`), one sentence, maybe a hint. */
  error: { code: string; message: string; hint?: string | undefined };
}

/** Paths of the API. */
export const API = {
  ping: "/v1/ping",
  status: "/v1/status",
  start: "/v1/start",
  stop: "/v1/stop",
  restart: "/v1/restart",
  reload: "/v1/reload",
  shutdown: "/v1/shutdown",
  cleanup: "/v1/cleanup",
} as const;

/**
 * A process tagged with the workspace that no service tracks.
 *
 * @example
 * ```ts ignore
 * const { orphans } = await client.cleanup({ dryRun: true });
 * ```
 */
export interface OrphanView {
  /** Its PID. */
  pid: number;
  /** Its process group. */
  pgid: number;
  /** Its `TEND_SERVICE` tag, if any. */
  service: string | null;
  /** Its command line. */
  command: string;
}

/** `POST /v1/cleanup` */
export interface CleanupRequest {
  /** List only; end nothing, remove nothing. */
  dryRun: boolean;
}

/**
 * What `cleanup` found and did.
 *
 * @example
 * ```ts ignore
 * const found: CleanupResponse = await client.cleanup({ dryRun: true });
 * ```
 */
export interface CleanupResponse {
  /** The orphans found (and ended unless `dryRun`). */
  orphans: OrphanView[];
  /** Stale files under `.tend/run` (removed unless `dryRun`). */
  staleFiles: string[];
  /** PIDs that ignored the stop signal and needed SIGKILL. */
  killed: number[];
  /** Whether nothing was ended or removed. */
  dryRun: boolean;
}

/**
 * `GET /v1/ping`
 *
 * @example
 * ```ts ignore
 * const pong = await client.ping(); // null when no supervisor answers
 * ```
 */
export interface PingResponse {
  /** The supervisor's PID. */
  pid: number;
  /** The workspace it serves. */
  workspace: string;
  /** The tend version it runs. */
  version: string;
}
