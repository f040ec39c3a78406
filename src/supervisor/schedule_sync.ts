import type { ServiceConfig } from "../config/schema.ts";
import { syncSchedules } from "./scheduled.ts";
import type { ServiceRunner } from "./service_runner.ts";

/** What a {@linkcode ScheduleSync} gives its scheduler. */
export interface ScheduleSyncOptions {
  /** The supervisor's scheduler. */
  scheduler: Parameters<typeof syncSchedules>[0];
  /** The runners whose schedules it holds. */
  runners: ReadonlyMap<string, ServiceRunner>;
  /** The supervisor's start, for a scheduled run. */
  start(names: string[]): Promise<unknown>;
  /** The supervisor's restart, for a scheduled run that still runs. */
  restart(names: string[]): Promise<unknown>;
}

/** Keeps a supervisor's scheduler in step with its runners and their configs. */
export class ScheduleSync {
  #options: ScheduleSyncOptions;
  /** The config of each runner when the scheduler was last synced. */
  #scheduledConfigs = new Map<string, ServiceConfig>();

  constructor(options: ScheduleSyncOptions) {
    this.#options = options;
  }

  /**
   * Gives the scheduler every runner's schedule, as the config now says;
   * nothing to do when no runner came, went or got a new config since the
   * last time (most changes are of a state: 100 services stopping made 300
   * calls of 100 runners each).
   */
  sync(): void {
    if (this.#schedulesCurrent()) return;
    const { scheduler, runners, start, restart } = this.#options;
    syncSchedules(scheduler, { runners, start, restart });
    this.#scheduledConfigs = new Map(
      [...runners].map(([name, runner]) => [name, runner.config]),
    );
  }

  /** Whether the scheduler was given the runners and configs of now. */
  #schedulesCurrent(): boolean {
    const runners = this.#options.runners;
    if (this.#scheduledConfigs.size !== runners.size) return false;
    for (const [name, runner] of runners) {
      if (this.#scheduledConfigs.get(name) !== runner.config) return false;
    }
    return true;
  }
}
