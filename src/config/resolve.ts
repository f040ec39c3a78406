import { resolve } from "../_path.ts";
import type { Config, ParsedConfig, ServiceConfig } from "./schema.ts";

/** Options of {@linkcode resolveConfig}. */
export interface ResolveConfigOptions {
  /** The config file (absolute). */
  file: string;
  /** The workspace directory that relative paths start from (absolute). */
  root: string;
}

/**
 * Finishes a config parsed by `configSchema`: makes every path absolute
 * (relative ones start at the workspace root) and fingerprints each service.
 */
export function resolveConfig(
  parsed: ParsedConfig,
  options: ResolveConfigOptions,
): Config {
  const root = resolve(options.root);
  const at = (path: string) => resolve(root, path);
  const { pidFile, logFile } = parsed.daemon;
  return {
    ...parsed,
    file: resolve(options.file),
    root,
    daemon: {
      ...parsed.daemon,
      pidFile: pidFile === null ? null : at(pidFile),
      logFile: at(logFile),
    },
    services: parsed.services.map((service) => {
      const resolved = {
        ...service,
        cwd: at(service.cwd),
        envFiles: service.envFiles.map((file) => ({
          ...file,
          path: at(file.path),
        })),
        logFile: at(service.logFile),
      };
      return { ...resolved, fingerprint: serviceFingerprint(resolved) };
    }),
  };
}

/**
 * Stable JSON of the fields of a service that only take effect on a restart:
 * two services with the same fingerprint can keep running across a reload.
 */
export function serviceFingerprint(
  service: Omit<ServiceConfig, "fingerprint">,
): string {
  const env = Object.entries(service.env).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  );
  return JSON.stringify({
    command: service.command,
    // New fields only when used: an upgrade keeps the fingerprints it had.
    ...(service.type === "service" ? {} : { type: service.type }),
    args: service.args,
    cwd: service.cwd,
    env,
    ...(service.envFiles.length === 0 ? {} : { envFiles: service.envFiles }),
    port: service.port,
    portStrategy: service.portStrategy,
    stopSignal: service.stopSignal,
    logFile: service.logFile,
  });
}
