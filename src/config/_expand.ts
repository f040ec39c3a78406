/**
 * A validated config in tend's own terms: `[daemon]` in camelCase, every
 * `[[processes]]` entry expanded into its instances with durations in ms,
 * defaults in place, paths still relative to the workspace. The transforms
 * of the zod schemas (schema.ts, _daemon.ts) and the check without zod
 * (quick.ts) both end here. No zod here.
 */
import { extname } from "../_path.ts";
import { servicesKey, type ServiceTables } from "./_checks.ts";
import type { DaemonTable } from "./_entry.ts";
import { restartOf } from "./_entry_checks.ts";
import { referenceTexts } from "./_reference_checks.ts";
import { DEFAULT_HTTP_ADDRESS } from "./http_default.ts";
import { serviceLogFile, workspacePaths } from "./paths.ts";
import { referencedNames } from "./references.ts";
import type { OVERLAP_POLICIES } from "./_rules.ts";
import type { ServiceEntry } from "./_entry.ts";

/** The default layout relative to the workspace; the loader resolves it. */
const relativePaths = workspacePaths(".");

/** `http = true` (the default address) or `false` (none) as the address. */
export function httpOf(on: boolean): { hostname: string; port: number } | null {
  return on ? { ...DEFAULT_HTTP_ADDRESS } : null;
}

/** The supervisor's own settings (`[daemon]`) in tend's spelling. */
export interface DaemonSettings {
  checkIntervalMs: number;
  /** Where the dashboard and HTTP API listen; `null`: nowhere. */
  http: { hostname: string; port: number } | null;
  httpAllowRemote: boolean;
  /** Relative to the workspace until the config is resolved. */
  pidFile: string | null;
  /** Relative to the workspace until the config is resolved. */
  logFile: string;
  logMaxBytes: number;
  logBackups: number;
}

/** The `[daemon]` table in tend's own spelling. */
export function daemonOf(daemon: DaemonTable): DaemonSettings {
  return {
    checkIntervalMs: daemon.check_interval,
    http: daemon.http ?? null,
    httpAllowRemote: daemon.http_allow_remote,
    pidFile: daemon.pid_file ?? null,
    logFile: daemon.log_file,
    logMaxBytes: daemon.log_max_size,
    logBackups: daemon.log_backups,
  };
}

type Daemon = DaemonSettings;

/** One service instance, its paths still relative to the workspace. */
export type ServiceSettings = ReturnType<typeof toService>;

/** The whole config: the daemon's settings and every service instance. */
export function configOf(
  tables: ServiceTables & { daemon: Daemon },
): { daemon: Daemon; services: ServiceSettings[] } {
  return {
    daemon: tables.daemon,
    services: expandServices(tables, tables.daemon),
  };
}

function expandServices(tables: ServiceTables, daemon: Daemon) {
  const entries = tables[servicesKey(tables)] ?? [];
  const instances = new Map(
    entries.map((entry) => [entry.name, instanceNames(entry)]),
  );
  const expandDeps = (names: string[]) =>
    names.flatMap((name) => instances.get(name) ?? []);
  return entries.flatMap((entry) =>
    instanceNames(entry).map((name, instance) =>
      toService(entry, { name, instance, daemon, expandDeps })
    )
  );
}

function instanceNames(entry: ServiceEntry): string[] {
  if (entry.instances === 1) return [entry.name];
  return Array.from(
    { length: entry.instances },
    (_, i) => `${entry.name}.${i}`,
  );
}

interface InstanceContext {
  name: string;
  instance: number;
  daemon: Daemon;
  expandDeps: (names: string[]) => string[];
}

function toService(entry: ServiceEntry, context: InstanceContext) {
  const { name, instance, daemon } = context;
  return {
    name,
    group: entry.name,
    instance,
    command: entry.command,
    type: entry.type,
    args: [...entry.args],
    cwd: entry.working_directory ?? ".",
    env: { ...entry.env },
    envFiles: [...entry.env_file ?? []],
    /** The instances whose `{services.NAME.…}` this one uses. */
    references: referencedNames(referenceTexts(entry).map((t) => t.text)),
    port: entry.port === undefined ? null : entry.port + instance,
    portStrategy: entry.port_strategy,
    restart: restartOf(entry),
    successExitCodes: [...entry.success_exit_codes],
    restartDelayMs: entry.restart_delay,
    restartDelayMaxMs: entry.restart_delay_max,
    minUptimeMs: entry.min_uptime,
    maxRestarts: entry.max_restarts,
    restartWindowMs: entry.restart_window,
    ready: entry.ready ?? null,
    readyTimeoutMs: entry.ready_timeout,
    minReadyMs: entry.min_ready,
    stopSignal: entry.stop_signal,
    stopTimeoutMs: entry.stop_timeout,
    dependsOn: context.expandDeps([...new Set(entry.depends_on)]),
    // A scheduled service waits for its first tick unless named.
    autostart: entry.autostart && entry.schedule === undefined,
    schedule: scheduleOf(entry),
    logFile: instanceLogFile(entry, context),
    logMaxBytes: entry.log_max_size ?? entry.max_log_size ?? daemon.logMaxBytes,
    logBackups: entry.log_backups ?? daemon.logBackups,
    checkIntervalMs: entry.check_interval ?? daemon.checkIntervalMs,
    image: entry.image ?? null,
    ...serviceExtras(entry),
  };
}

/**
 * The log of one instance: `log_file` (with `.<i>` before its extension when
 * there are several instances), else `.tend/log/<instance name>.log`.
 */
function instanceLogFile(entry: ServiceEntry, context: InstanceContext) {
  const file = entry.log_file;
  if (file === undefined) return serviceLogFile(relativePaths, context.name);
  if (entry.instances === 1) return file;
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}.${context.instance}${ext}`;
}

/** A service's schedule as the supervisor runs it. */
export interface Schedule {
  /** The cron pattern. */
  cron: string;
  /** The IANA time zone it is read in; `null`: the supervisor's local time. */
  timezone: string | null;
  overlap: (typeof OVERLAP_POLICIES)[number];
}

/** The schedule of a validated entry, or `null` when it has none. */
function scheduleOf(entry: ServiceEntry): Schedule | null {
  const given = entry.schedule;
  if (given === undefined) return null;
  const table = typeof given === "string" ? { cron: given } : given;
  return {
    cron: table.cron.trim(),
    timezone: entry.timezone ?? table.timezone ?? null,
    overlap: entry.overlap ?? "skip",
  };
}

/** The events a service's hooks run on, by config field. */
const HOOK_FIELDS = {
  "on_ready": "ready",
  "on_exit": "exit",
  "on_failed": "failed",
  "on_restart": "restart",
} as const;

/** An event a hook runs on. */
export type HookEvent = (typeof HOOK_FIELDS)[keyof typeof HOOK_FIELDS];

/** The watch, hook and memory settings of a service, normalised. */
export interface ServiceExtras {
  /** Globs of files whose change restarts it; empty when not watched. */
  watch: string[];
  /** Globs of files never watched (besides the defaults). */
  watchIgnore: string[];
  /** Quiet time after the last change before the restart. */
  watchDebounceMs: number;
  /** The shell command of each hook. */
  hooks: Partial<Record<HookEvent, string>>;
  /** How long a hook may run. */
  hookTimeoutMs: number;
  /** Restart above this RSS (process group, bytes); null: no limit. */
  maxMemoryBytes: number | null;
}

/**
 * The normalised watch, hook and memory settings of one service: `watch`
 * empty when it is not watched, hooks by event, `maxMemoryBytes` null when
 * unlimited.
 */
function serviceExtras(entry: ServiceEntry): ServiceExtras {
  const hooks: Partial<Record<HookEvent, string>> = {};
  for (const [field, event] of Object.entries(HOOK_FIELDS)) {
    const command = entry[field as keyof typeof HOOK_FIELDS];
    if (command !== undefined) hooks[event] = command;
  }
  return {
    watch: [...entry.watch ?? []],
    watchIgnore: [...entry.watch_ignore],
    watchDebounceMs: entry.watch_debounce,
    hooks,
    hookTimeoutMs: entry.hook_timeout,
    maxMemoryBytes: entry.max_memory ?? null,
  };
}
