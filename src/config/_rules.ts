/**
 * The plain rules of `tend.toml`'s fields: patterns, limits, defaults and
 * the value conversions that need no validator. The zod schemas (_fields.ts,
 * _service.ts, …) and the check without zod (quick.ts) both take them from
 * here, so that the two cannot disagree on a default or a pattern. No zod
 * here, nor in anything this imports.
 */
import { workspacePaths } from "./paths.ts";
import { maskReferences } from "./references.ts";

/** What a service name looks like: no dots (instance suffix), no slashes. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** An environment variable's name as `env` takes it: no "=", no NUL. */
// \x00, not \0: the JSON Schema copy of this pattern must read in Rust regex
// (Taplo); a NUL is exactly what the pattern keeps out.
// deno-lint-ignore no-control-regex
export const ENV_NAME_PATTERN = /^[^=\x00]+$/;

/** The placeholder replaced by the granted port. */
export const PORT_PLACEHOLDER = "{port}";

/** The most instances one `[[processes]]` entry may ask for. */
export const MAX_INSTANCES = 64;

/**
 * How long a service without a `ready` check must stay up to count as
 * ready: the exit watch that lets `start` report a service that dies at once
 * (a missing file, a bad flag, an import error) while returning soon after
 * the exec. A later exit is a crash, handled by the restart policy and shown
 * by `status`. It was 500 ms; 100 ms catches what dies at once (see README,
 * Readiness).
 */
export const DEFAULT_MIN_READY_MS = 100;

/** `log_max_size` when not given: 10 MB. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** `log_backups` when not given. */
export const DEFAULT_LOG_BACKUPS = 5;

/** The signals a service may be stopped with; SIGUSR1 is Deno's inspector. */
export const STOP_SIGNALS = [
  "SIGTERM",
  "SIGINT",
  "SIGHUP",
  "SIGQUIT",
  "SIGKILL",
  "SIGUSR2",
] as const satisfies readonly Deno.Signal[];

/** The kinds of readiness check, in the order they are documented. */
export const READY_KINDS = ["tcp", "http", "log", "command"] as const;

/** What to do with a tick while the previous run still runs. */
export const OVERLAP_POLICIES = ["skip", "queue", "allow"] as const;

/** A signal a service may be stopped with. */
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * The value of every `[[processes]]` field that has a default, as the
 * schema outputs it (durations in ms). Arrays and tables are copied for
 * each service.
 */
export const SERVICE_DEFAULTS = Object.freeze(
  {
    type: "service",
    args: [] as string[],
    env: {} as Record<string, string>,
    "port_strategy": "fail",
    "success_exit_codes": [0] as number[],
    "restart_delay": 100,
    "restart_delay_max": 30_000,
    "min_uptime": 10_000,
    "max_restarts": 10,
    "restart_window": 60_000,
    "ready_timeout": 30_000,
    "min_ready": DEFAULT_MIN_READY_MS,
    "stop_signal": "SIGTERM",
    "stop_timeout": 10_000,
    "depends_on": [] as string[],
    instances: 1,
    autostart: true,
    "watch_ignore": [] as string[],
    /** How long a burst of file changes must be quiet before the restart. */
    "watch_debounce": 500,
    /** How long a hook may run before it is killed. */
    "hook_timeout": 30_000,
  } as const,
);

/** The value of every `[daemon]` field that has a default (durations in ms). */
export const DAEMON_DEFAULTS = Object.freeze(
  {
    "log_file": workspacePaths(".").supervisorLog,
    "check_interval": 3_000,
    /** Loopback only unless asked. */
    "http_allow_remote": false,
    "log_max_size": DEFAULT_LOG_MAX_BYTES,
    "log_backups": DEFAULT_LOG_BACKUPS,
  } as const,
);

/** A signal's name as written (`"term"`, `" SIGTERM"`), spelt `"SIGTERM"`. */
export function signalName(value: string): string {
  const upper = value.trim().toUpperCase();
  return upper.startsWith("SIG") ? upper : `SIG${upper}`;
}

/** `"TERM"` or `"sigterm"` as the stop signal it names; `null`: none of them. */
export function stopSignalOf(value: string): StopSignal | null {
  const signal = signalName(value);
  return (STOP_SIGNALS as readonly string[]).includes(signal)
    ? signal as StopSignal
    : null;
}

/** Whether `hostname` is a loopback address (or `localhost`). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const TCP_PATTERN = /^(?:(?:\[[^\]]+\]|[^:[\]\s]+):)?(\{port\}|\d{1,5})$/;

/** Whether `target` is a `tcp` readiness target: a port, `{port}` or `host:port`. */
export function isTcpTarget(target: string): boolean {
  const match = TCP_PATTERN.exec(maskReferences(target));
  if (!match) return false;
  const port = match[1] === PORT_PLACEHOLDER ? 1 : Number(match[1]);
  return port >= 1 && port <= 65535;
}

/** Whether `value` is an http:// or https:// URL (references masked). */
export function isHttpUrl(value: string): boolean {
  const url = URL.parse(maskReferences(value));
  return url !== null &&
    (url.protocol === "http:" || url.protocol === "https:");
}

/** `"host:port"` (`"[::1]:port"` for IPv6) as an address; `undefined`: not one. */
export function parseHostPort(
  value: string,
): { hostname: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { hostname: match[1] ?? match[2] ?? "", port };
}
