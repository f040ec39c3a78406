import type { Schedule } from "../config/_schedule.ts";
import type { ServiceStatus } from "../ipc/protocol.ts";
import { isRunning, scheduleStatus } from "./schedule_status.ts";
import type { ScheduledJob, Scheduler, ScheduleView } from "./scheduler.ts";
import type { ServiceRunner } from "./service_runner.ts";

/**
 * The scheduler's handle on service `name`: a run is the supervisor's start
 * (dependencies first); with `overlap = "allow"` a run that still runs is
 * restarted, as a service has one process.
 */
export function scheduledJob(
  name: string,
  supervisor: {
    runner(name: string): ServiceRunner | undefined;
    start(names: string[]): Promise<unknown>;
    restart(names: string[]): Promise<unknown>;
  },
): ScheduledJob {
  const running = () => {
    const runner = supervisor.runner(name);
    return runner !== undefined && isRunning(runner.state);
  };
  return {
    running,
    start: async () => {
      if (running()) await supervisor.restart([name]);
      else await supervisor.start([name]);
    },
  };
}

/** `view` with its `schedule` when the service has one. */
export function withSchedule(
  view: ServiceStatus,
  options: { schedule: Schedule | null; view: ScheduleView | null },
): ServiceStatus {
  if (options.schedule === null) return view;
  const schedule = scheduleStatus(options.schedule, {
    view: options.view,
    service: view,
  });
  return { ...view, schedule };
}

/** Gives `scheduler` every runner's schedule, as its config now says. */
export function syncSchedules(
  scheduler: Scheduler,
  supervisor: {
    runners: ReadonlyMap<string, ServiceRunner>;
    start(names: string[]): Promise<unknown>;
    restart(names: string[]): Promise<unknown>;
  },
): void {
  const { runners } = supervisor;
  if (!configsChanged(scheduler, runners)) return;
  for (const runner of runners.values()) {
    scheduler.set(runner.name, {
      schedule: runner.config.schedule,
      job: scheduledJob(runner.name, {
        runner: (name) => runners.get(name),
        start: supervisor.start,
        restart: supervisor.restart,
      }),
    });
  }
  scheduler.retain(new Set(runners.keys()));
}

/** The config of each runner at a scheduler's last sync. */
const synced = new WeakMap<Scheduler, Map<string, ServiceRunner["config"]>>();

/**
 * Whether a runner came, went or got another config since `scheduler`'s
 * last sync (remembered now). The supervisor syncs on every change of every
 * service, so that a start of 100 services would otherwise set 100
 * schedules 500 times.
 */
function configsChanged(
  scheduler: Scheduler,
  runners: ReadonlyMap<string, ServiceRunner>,
): boolean {
  const last = synced.get(scheduler);
  if (last !== undefined && last.size === runners.size) {
    let same = true;
    for (const [name, runner] of runners) {
      if (last.get(name) !== runner.config) {
        same = false;
        break;
      }
    }
    if (same) return false;
  }
  synced.set(
    scheduler,
    new Map([...runners].map(([name, runner]) => [name, runner.config])),
  );
  return true;
}
