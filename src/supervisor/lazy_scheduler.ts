import { lazyImport } from "../_lazy.ts";
import type { Schedule } from "../config/_schedule.ts";
import type {
  ScheduledJob,
  Scheduler,
  SchedulerOptions,
  ScheduleView,
} from "./scheduler.ts";

/**
 * The {@linkcode Scheduler} of a supervisor, loaded (croner with it: 1 to 3
 * MiB of RSS, measured) when a service first has a schedule. Until then it
 * holds the schedules it was given; the first tick of a cron is at least
 * seconds away, the load a few milliseconds.
 */
export class LazyScheduler {
  #options: SchedulerOptions;
  #scheduler: Scheduler | null = null;
  #loading = false;
  #stopped = false;
  #pending = new Map<string, { schedule: Schedule; job: ScheduledJob }>();

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** As {@linkcode Scheduler.set}. */
  set(
    name: string,
    options: { schedule: Schedule | null; job: ScheduledJob },
  ): void {
    if (this.#scheduler !== null) return this.#scheduler.set(name, options);
    if (options.schedule == null || this.#stopped) {
      this.#pending.delete(name);
      return;
    }
    this.#pending.set(name, { schedule: options.schedule, job: options.job });
    this.#load();
  }

  /** As {@linkcode Scheduler.retain}. */
  retain(keep: ReadonlySet<string>): void {
    if (this.#scheduler !== null) return this.#scheduler.retain(keep);
    for (const name of [...this.#pending.keys()]) {
      if (!keep.has(name)) this.#pending.delete(name);
    }
  }

  /** As {@linkcode Scheduler.view}. */
  view(name: string): ScheduleView | null {
    return this.#scheduler?.view(name) ?? null;
  }

  /** As {@linkcode Scheduler.stop}. */
  stop(): void {
    this.#stopped = true;
    this.#pending.clear();
    this.#scheduler?.stop();
  }

  #load(): void {
    if (this.#loading) return;
    this.#loading = true;
    lazyImport<typeof import("./scheduler.ts")>(
      new URL("./scheduler.ts", import.meta.url),
    ).then(({ Scheduler }) => {
      if (this.#stopped) return;
      this.#scheduler = new Scheduler(this.#options);
      for (const [name, options] of this.#pending) {
        this.#scheduler.set(name, options);
      }
      this.#pending.clear();
    }, (error) => {
      this.#loading = false;
      this.#options.onEvent?.("scheduler", `cannot load: ${String(error)}`);
    });
  }
}
