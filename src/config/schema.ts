import { z } from "npm:zod@4.6.7";
import { checkServices } from "./_checks.ts";
import { daemonSchema } from "./_daemon.ts";
import { configOf } from "./_expand.ts";
import { serviceSchema } from "./_service.ts";

/** The fields allowed at the top level of `tend.toml`. */
export const TOP_LEVEL_FIELDS: readonly string[] = [
  "daemon",
  "processes",
  "services",
];

const serviceListSchema = z.array(serviceSchema, {
  error: "must be an array of tables ([[processes]])",
});

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
  .transform(configOf);

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
