/**
 * The control API between the CLI and the supervisor: HTTP+JSON over the
 * workspace's unix socket. Every request and response type lives here.
 */

/** The states a service can be in. */
export type ServiceStatus =
  | "starting"
  | "running"
  | "stopping"
  | "stopped"
  | "backoff"
  | "failed"
  | "stale";

/** How a service last ended. */
export interface LastExit {
  /** Exit code, or `null` when a signal ended it or it was not our child. */
  code: number | null;
  /** Signal name, or `null`. */
  signal: string | null;
  /** When the exit was noticed (ISO 8601). */
  at: string;
}

/** One service as `status` shows it. */
export interface ServiceView {
  name: string;
  status: ServiceStatus;
  pid: number | null;
  port: number | null;
  startedAt: string | null;
  restarts: number;
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

/** The supervisor as `status` shows it. */
export interface SupervisorView {
  status: "running" | "stopped" | "stale";
  pid: number | null;
  startedAt: string | null;
  version: string | null;
}

/** `GET /v1/status` */
export interface StatusResponse {
  workspace: string;
  supervisor: SupervisorView;
  services: ServiceView[];
  /** Present when the config file differs from what the supervisor runs. */
  configDrift?: ConfigDrift | undefined;
}

/** How the config file on disk differs from what the supervisor runs. */
export interface ConfigDrift {
  /** The config file (absolute). */
  file: string;
  /** Services the file lists that the supervisor does not run. */
  added: string[];
  /** Services the supervisor runs that the file no longer lists. */
  removed: string[];
  /** Services whose definition in the file differs from the one in force. */
  changed: string[];
  /** Why the file cannot be loaded (invalid or gone); the lists are then empty. */
  error: string | null;
}

/** What a start, restart or up applied of a changed config file first. */
export interface ConfigApplied {
  /** The config file (absolute). */
  file: string;
  /** Services new to the supervisor. */
  added: string[];
  /** Services whose definition was replaced by the file's. */
  changed: string[];
}

/** `POST /v1/start`, `/v1/stop`, `/v1/restart`: the names to act on (all when empty). */
export interface NamesRequest {
  names: string[];
  /** `start` only: answer at once instead of when every service is ready. @default {true} */
  wait?: boolean;
}

/** What happened to one service in a start, stop or restart. */
export interface ActionResult {
  name: string;
  action:
    | "started"
    | "already-running"
    | "stopped"
    | "already-stopped"
    | "restarted";
  service: ServiceView;
}

/** Response of start, stop and restart. */
export interface ActionResponse {
  results: ActionResult[];
  /** `start` and `restart`: what of a changed config file was applied first. */
  applied?: ConfigApplied | undefined;
}

/** `POST /v1/reload` */
export interface ReloadResponse {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

/** `POST /v1/shutdown` */
export interface ShutdownRequest {
  /** Stop every service first (`tend down`); otherwise leave them running. */
  stopServices: boolean;
}

/** Body of every non-2xx response. */
export interface ErrorBody {
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

/** A process tagged with the workspace that no service tracks. */
export interface OrphanView {
  pid: number;
  pgid: number;
  /** Its `TEND_SERVICE` tag, if any. */
  service: string | null;
  command: string;
}

/** `POST /v1/cleanup` */
export interface CleanupRequest {
  /** List only; end nothing, remove nothing. */
  dryRun: boolean;
}

/** What `cleanup` found and did. */
export interface CleanupResponse {
  orphans: OrphanView[];
  staleFiles: string[];
  /** PIDs that ignored the stop signal and needed SIGKILL. */
  killed: number[];
  dryRun: boolean;
}

/** `GET /v1/ping` */
export interface PingResponse {
  pid: number;
  workspace: string;
  version: string;
}
