import type { ServiceStatus } from "../ipc/protocol.ts";

/**
 * The lines under the `status` table that say more of some services than
 * its columns: schedules (last run, its result, next run) and one-off
 * services (`tend run`).
 */
export function statusNotes(services: readonly ServiceStatus[]): string[] {
  const notes: string[] = [];
  for (const service of services) {
    if (service.schedule !== undefined) {
      notes.push(`${service.name}: ${scheduleNote(service.schedule)}`);
    }
    if (service.oneOff === true) {
      notes.push(
        `${service.name}: one-off (tend run), not in tend.toml: gone after tend down`,
      );
    }
  }
  return notes;
}

type ScheduleStatus = NonNullable<ServiceStatus["schedule"]>;

/** `schedule "*\/5 * * * *": last run 09:50:00 ok, next 09:55:00, 2 skipped` */
function scheduleNote(schedule: ScheduleStatus): string {
  const zone = schedule.timezone === null ? "" : ` (${schedule.timezone})`;
  const last = schedule.lastRunAt === null
    ? "not run yet"
    : `last run ${clock(schedule.lastRunAt)} ${schedule.lastResult ?? ""}`
      .trimEnd();
  const next = schedule.nextRunAt === null
    ? "no next run"
    : `next ${clock(schedule.nextRunAt)}`;
  const extra = [
    schedule.queued ? "a run is queued" : null,
    schedule.skipped > 0 ? `${schedule.skipped} skipped (overlap)` : null,
  ].filter((part) => part !== null);
  return [`schedule "${schedule.cron}"${zone}: ${last}`, next, ...extra]
    .join(", ");
}

/** The local time of day of an instant, `09:50:00`. */
function clock(instant: string): string {
  const date = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${
    pad(date.getSeconds())
  }`;
}
