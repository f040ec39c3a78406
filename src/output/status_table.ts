import type { ServiceStatus, StatusResponse } from "../ipc/protocol.ts";
import { statusNotes } from "./status_notes.ts";

/** A service's state, by which its status cell is painted. */
export type RowStatus = StatusResponse["services"][number]["status"];

/** Paints a service's status cell by its state; identity when colour is off. */
export type Painter = (status: RowStatus, text: string) => string;

/**
 * The `status` table for people:
 *
 * ```
 * NAME  STATUS   PID   PORT  UPTIME  RESTARTS  LAST EXIT
 * web   running  4321  8642  3m 12s  0         -
 * ```
 */
export function renderStatusTable(
  status: StatusResponse,
  options: { now: number; paint?: Painter },
): string {
  const paint = options.paint ?? ((_s, text) => text);
  const header = [
    "NAME",
    "STATUS",
    "PID",
    "PORT",
    "UPTIME",
    "CPU",
    "MEM",
    "RESTARTS",
    "LAST EXIT",
  ];
  const rows = status.services.map((service) => row(service, options.now));
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i]!.length))
  );
  const line = (
    cells: string[],
    { state }: { state: RowStatus | null },
  ) =>
    cells.map((cell, i) => {
      const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
      return state !== null && i === 1 ? paint(state, padded) : padded;
    }).join("  ").trimEnd();
  const supervisor = status.supervisor.status === "running"
    ? `supervisor: running (${supervisorFacts(status.supervisor)})`
    : `supervisor: ${status.supervisor.status}`;
  const body = rows.length === 0 ? ["(no services in tend.toml)"] : [
    line(header, { state: null }),
    ...rows.map((r, i) => line(r, { state: status.services[i]!.status })),
  ];
  const notes = statusNotes(status.services);
  const tail = notes.length === 0 ? [] : ["", ...notes];
  return [`workspace: ${status.workspace}`, supervisor, "", ...body, ...tail]
    .join("\n");
}

function row(service: ServiceStatus, now: number): string[] {
  return [
    service.name,
    statusText(service, now),
    service.pid === null ? "-" : String(service.pid),
    service.port === null ? "-" : String(service.port),
    service.startedAt === null
      ? "-"
      : formatDuration(now - Date.parse(service.startedAt)),
    service.cpuPercent === null ? "-" : `${service.cpuPercent.toFixed(1)}%`,
    service.rssBytes === null ? "-" : formatBytes(service.rssBytes),
    String(service.restarts),
    lastExitText(service),
  ];
}

function statusText(service: ServiceStatus, now: number): string {
  if (service.status === "backoff" && service.nextRestartAt !== null) {
    const inMs = Math.max(0, Date.parse(service.nextRestartAt) - now);
    return `backoff (retry in ${formatDuration(inMs)})`;
  }
  if (service.status === "completed" && service.lastExit !== null) {
    const agoMs = Math.max(0, now - Date.parse(service.lastExit.at));
    return `completed ${formatDuration(agoMs)} ago`;
  }
  return service.status;
}

function lastExitText(service: ServiceStatus): string {
  const exit = service.lastExit;
  if (exit === null) return service.reason ?? "-";
  const how = exit.signal ??
    (exit.code === null ? "gone" : `code ${exit.code}`);
  const reason = service.reason;
  return reason && !reason.includes(how) ? `${how} (${reason})` : how;
}

/** `450ms`, `12s`, `3m 12s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `512B`, `12.3K`, `45.6M`, `1.2G` (1024-based). */
export function formatBytes(bytes: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let value = bytes;
  let unit = 0;
  while (value >= 1023.95 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(1)}${units[unit]}`;
}

function supervisorFacts(supervisor: StatusResponse["supervisor"]): string {
  const facts = [`pid ${supervisor.pid ?? "unknown"}`];
  if (supervisor.version !== null) facts.push(`tend ${supervisor.version}`);
  return facts.join(", ");
}
