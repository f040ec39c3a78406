import { Cron } from "npm:croner@11.0.1";
import type { Schedule } from "../config/_schedule.ts";

/** What the scheduler needs of a service: nothing but these two. */
export interface ScheduledJob {
  /** Starts a run (and, for `allow`, a run while one still runs). */
  start(): Promise<void>;
  /** Whether the last run is still going. */
  running(): boolean;
}

/** The time the scheduler reads and its timers: real, or a fake in tests. */
export interface SchedulerClock {
  /** ms since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns its cancel. */
  after(ms: number, fn: () => void): () => void;
}

/** The real clock; its timers do not keep the process alive. */
export const REAL_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    Deno.unrefTimer(timer);
    return () => clearTimeout(timer);
  },
};

/** What one scheduled service did, for `status`. */
export interface ScheduleView {
  /** When the next tick is due (ms since the epoch), `null` when none. */
  nextRunAt: number | null;
  /** When the scheduler last started a run (ms since the epoch). */
  lastRunAt: number | null;
  /** Why the last run could not start, if it could not. */
  lastError: string | null;
  /** Ticks skipped because a run was still going. */
  skipped: number;
  /** A run waits for the current one to end (`queue`). */
  queued: boolean;
}

/** Options of {@linkcode Scheduler}. */
export interface SchedulerOptions {
  /** @default {REAL_CLOCK} */
  clock?: SchedulerClock | undefined;
  /** How often a queued run checks whether the current one ended. @default {1000} */
  pollMs?: number;
  /** Told of each tick's outcome, in words (for tend.log). */
  onEvent?: (name: string, event: string) => void;
  /** Told when a view changed (state.json, status). */
  onChange?: () => void;
}

/** The longest single wait: a far tick is reached by several. */
const MAX_WAIT_MS = 60 * 60 * 1000;

interface Entry {
  schedule: Schedule;
  key: string;
  job: ScheduledJob;
  cron: Cron;
  due: number | null;
  cancel: () => void;
  view: ScheduleView;
}

/**
 * Runs services on cron schedules: at each tick, starts the service unless
 * its last run still runs, in which case the tick is skipped (`skip`, the
 * default), waits for the run to end (`queue`: one run at most waits), or
 * starts anyway (`allow`). A tick missed because the process slept is not
 * caught up: the next one is computed from the time it wakes.
 */
export class Scheduler {
  #entries = new Map<string, Entry>();
  #clock: SchedulerClock;
  #pollMs: number;
  #options: SchedulerOptions;
  #stopped = false;

  constructor(options: SchedulerOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#pollMs = options.pollMs ?? 1000;
  }

  /**
   * Schedules `name` (replacing an earlier schedule only when it changed),
   * or unschedules it when `schedule` is `null`.
   */
  set(
    name: string,
    options: { schedule: Schedule | null; job: ScheduledJob },
  ): void {
    const current = this.#entries.get(name);
    const { schedule, job } = options;
    const key = schedule == null ? "" : JSON.stringify(schedule);
    if (current !== undefined) {
      current.job = job;
      if (current.key === key) return;
      current.cancel();
      this.#entries.delete(name);
    }
    if (schedule == null || this.#stopped) return;
    const cron = new Cron(schedule.cron, {
      paused: true,
      ...(schedule.timezone === null ? {} : { timezone: schedule.timezone }),
    });
    const entry: Entry = {
      schedule,
      key,
      job,
      cron,
      due: null,
      cancel: () => {},
      view: {
        nextRunAt: null,
        lastRunAt: current?.view.lastRunAt ?? null,
        lastError: current?.view.lastError ?? null,
        skipped: current?.view.skipped ?? 0,
        queued: false,
      },
    };
    this.#entries.set(name, entry);
    this.#arm(name, entry, this.#clock.now());
  }

  /** Unschedules every service that `keep` does not name. */
  retain(keep: ReadonlySet<string>): void {
    for (const name of [...this.#entries.keys()]) {
      if (!keep.has(name)) this.set(name, { schedule: null, job: NO_JOB });
    }
  }

  /** What `name`'s schedule did, or `null` when it has none. */
  view(name: string): ScheduleView | null {
    const entry = this.#entries.get(name);
    return entry === undefined ? null : { ...entry.view };
  }

  /** Cancels every timer; nothing starts afterwards. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#entries.values()) entry.cancel();
    this.#entries.clear();
  }

  /** Sets the timer of the first tick after `from`. */
  #arm(name: string, entry: Entry, from: number): void {
    const next = entry.cron.nextRun(new Date(from));
    entry.due = next === null ? null : next.getTime();
    entry.view.nextRunAt = entry.due;
    if (entry.due !== null) this.#wait(name, entry);
    this.#options.onChange?.();
  }

  #wait(name: string, entry: Entry): void {
    const ms = Math.min(
      MAX_WAIT_MS,
      Math.max(0, entry.due! - this.#clock.now()),
    );
    entry.cancel = this.#clock.after(ms, () => {
      if (this.#entries.get(name) !== entry) return;
      if (this.#clock.now() < entry.due!) return this.#wait(name, entry);
      const due = entry.due!;
      this.#tick(name, entry);
      this.#arm(name, entry, Math.max(due, this.#clock.now()));
    });
  }

  #tick(name: string, entry: Entry): void {
    if (!entry.job.running() || entry.schedule.overlap === "allow") {
      return this.#run(name, entry);
    }
    if (entry.schedule.overlap === "queue" && !entry.view.queued) {
      entry.view.queued = true;
      this.#emit(name, "still running: this run waits for it to end");
      return this.#poll(name, entry);
    }
    entry.view.skipped++;
    this.#emit(name, "still running: this run is skipped");
  }

  /** Starts the queued run once the current one ended. */
  #poll(name: string, entry: Entry): void {
    this.#clock.after(this.#pollMs, () => {
      if (this.#entries.get(name) !== entry || !entry.view.queued) return;
      if (entry.job.running()) return this.#poll(name, entry);
      entry.view.queued = false;
      this.#run(name, entry);
    });
  }

  #run(name: string, entry: Entry): void {
    entry.view.lastRunAt = this.#clock.now();
    entry.view.lastError = null;
    this.#emit(name, "scheduled run");
    entry.job.start().catch((error) => {
      entry.view.lastError = error instanceof Error
        ? error.message
        : String(error);
      this.#emit(name, `scheduled run failed: ${entry.view.lastError}`);
    });
  }

  #emit(name: string, event: string): void {
    this.#options.onEvent?.(name, event);
    this.#options.onChange?.();
  }
}

const NO_JOB: ScheduledJob = {
  start: () => Promise.resolve(),
  running: () => false,
};
