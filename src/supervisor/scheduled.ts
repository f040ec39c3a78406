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
  scheduler: Pick<Scheduler, "set" | "retain">,
  supervisor: {
    runners: ReadonlyMap<string, ServiceRunner>;
    start(names: string[]): Promise<unknown>;
    restart(names: string[]): Promise<unknown>;
  },
): void {
  const { runners } = supervisor;
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
