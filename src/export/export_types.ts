import type { Config, ServiceConfig } from "../config/schema.ts";

/** One file an export produces. */
export interface ExportFile {
  /** The file name (no directory). */
  name: string;
  text: string;
}

/** What an export produces: files, and what could not be carried over. */
export interface ExportResult {
  files: ExportFile[];
  /** One sentence each; printed on stderr, never dropped silently. */
  warnings: string[];
}

/** The part of a loaded config an export reads. */
export type ExportConfig = Pick<Config, "root" | "services">;

/** Replaces `{port}` with the service's port, as tend does at spawn. */
export function fillPort(text: string, service: ServiceConfig): string {
  return service.port === null
    ? text
    : text.replaceAll("{port}", String(service.port));
}

/** The environment tend gives a service, less its own tags (TEND_WORKSPACE). */
export function exportEnv(service: ServiceConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.env)) {
    env[key] = fillPort(value, service);
  }
  if (service.port !== null) env.PORT = String(service.port);
  return env;
}

/** `1500` → `"1500ms"`, `10000` → `"10s"`: a duration both systemd and Compose read. */
export function durationText(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000}s` : `${ms}ms`;
}

/**
 * Warnings every export shares: ports tend would move, readiness checks
 * with no equivalent.
 */
export function commonWarnings(service: ServiceConfig): string[] {
  const out: string[] = [];
  if (service.portStrategy === "next" && service.port !== null) {
    out.push(
      `"${service.name}": port_strategy = "next" is not carried over; the export uses port ${service.port} as written`,
    );
  }
  if (service.schedule !== null) {
    out.push(
      `"${service.name}": schedule "${service.schedule.cron}" is not carried over; the export runs it as a service`,
    );
  }
  return out;
}
