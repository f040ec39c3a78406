import type { Schedule } from "../config/_schedule.ts";
import type { ServiceStatus } from "../ipc/protocol.ts";
import type { ScheduleView } from "./scheduler.ts";

/** The `schedule` of a service's status. */
export type ScheduleStatus = NonNullable<ServiceStatus["schedule"]>;

/**
 * What `status` shows of a scheduled service: its schedule, the next and
 * last runs, and how the last run went (from the service's own state and
 * last exit).
 */
export function scheduleStatus(
  schedule: Schedule,
  options: { view: ScheduleView | null; service: ServiceStatus },
): ScheduleStatus {
  const { view, service } = options;
  const iso = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? null : new Date(ms).toISOString();
  return {
    cron: schedule.cron,
    timezone: schedule.timezone,
    overlap: schedule.overlap,
    nextRunAt: iso(view?.nextRunAt),
    lastRunAt: iso(view?.lastRunAt),
    lastResult: view === null ? null : lastResult(view, service),
    skipped: view?.skipped ?? 0,
    queued: view?.queued ?? false,
  };
}

function lastResult(view: ScheduleView, service: ServiceStatus): string | null {
  if (view.lastRunAt === null) return null;
  if (view.lastError !== null) return `failed: ${view.lastError}`;
  if (isRunning(service.status)) return "running";
  const exit = service.lastExit;
  if (exit === null || Date.parse(exit.at) < view.lastRunAt) return null;
  if (exit.code === 0) return "ok";
  if (exit.code !== null) return `failed (exit ${exit.code})`;
  return exit.signal === null ? "ended" : `ended by ${exit.signal}`;
}

/** Whether a run in this state is still going (the overlap check). */
export function isRunning(state: ServiceStatus["status"]): boolean {
  return state === "starting" || state === "running" ||
    state === "stopping" || state === "backoff";
}
