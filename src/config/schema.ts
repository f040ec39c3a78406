import { extname } from "../_path.ts";
import { z } from "npm:zod@4.6.7";
import { checkServices, servicesKey, type ServiceTables } from "./_checks.ts";
import { daemonSchema } from "./_daemon.ts";
import { restartOf, type ServiceEntry, serviceSchema } from "./_service.ts";
import { serviceExtras } from "./_service_extras.ts";
import { serviceLogFile, workspacePaths } from "./paths.ts";
import { referenceTexts } from "./_reference_checks.ts";
import { referencedNames } from "./references.ts";
import { scheduleOf } from "./_schedule.ts";

/** The fields allowed at the top level of `tend.toml`. */
export const TOP_LEVEL_FIELDS: readonly string[] = [
  "daemon",
  "processes",
  "services",
];

const serviceListSchema = z.array(serviceSchema, {
  error: "must be an array of tables ([[processes]])",
});

/** The default layout relative to the workspace; the loader resolves it. */
const relativePaths = workspacePaths(".");

/**
 * The one source of truth of `tend.toml`: validates a parsed TOML document
 * (a superset of mi7soft-daemon's `daemon.toml`) and normalises it: tend's
 * own field names, durations in milliseconds, sizes in bytes, defaults filled
 * in, and every service expanded into its instances. Paths in the output may
 * still be relative to the workspace; `resolveConfig` makes them absolute.
 *
 * @example
 * ```ts
 * const parsed = configSchema.parse({
 *   processes: [{ name: "web", command: "python3", port: 8642 }],
 * });
 * parsed.services[0]?.restartDelayMs; // 100
 * ```
 */
export const configSchema = z.strictObject({
  daemon: daemonSchema.prefault({}),
  processes: serviceListSchema.optional(),
  services: serviceListSchema.optional(),
}, { error: "must be a table" })
  .superRefine(checkServices)
  .transform((config) => ({
    daemon: config.daemon,
    services: expandServices(config, config.daemon),
  }));

type ParsedDaemon = z.output<typeof daemonSchema>;

function expandServices(tables: ServiceTables, daemon: ParsedDaemon) {
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
  daemon: ParsedDaemon;
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

/** What {@linkcode configSchema} outputs: a config before path resolution. */
export type ParsedConfig = z.output<typeof configSchema>;

/** One service instance, ready to run; its paths are absolute. */
export type ServiceConfig = ParsedConfig["services"][number] & {
  /** Stable JSON of the fields whose change requires a restart. */
  readonly fingerprint: string;
};

/** The supervisor's own settings (`[daemon]`); its paths are absolute. */
export type DaemonConfig = ParsedConfig["daemon"];

/** How tend knows a service is ready. */
export type ReadyCheck = NonNullable<ServiceConfig["ready"]>;

/** A loaded `tend.toml`: every path absolute, services in file order. */
export type Config = Omit<ParsedConfig, "services"> & {
  /** The config file (absolute). */
  readonly file: string;
  /** The workspace directory (absolute). */
  readonly root: string;
  /** Every service instance, in file order. */
  readonly services: ServiceConfig[];
};
