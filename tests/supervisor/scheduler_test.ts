import assert from "node:assert/strict";
import {
  type ScheduledJob,
  Scheduler,
  type SchedulerClock,
} from "../../src/supervisor/scheduler.ts";
import type { Schedule } from "../../src/config/_schedule.ts";

/** A clock whose time moves only when the test says so. */
class FakeClock implements SchedulerClock {
  #now: number;
  #timers: { at: number; fn: () => void; live: boolean }[] = [];

  constructor(start: string) {
    this.#now = Date.parse(start);
  }

  now(): number {
    return this.#now;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.#now + ms, fn, live: true };
    this.#timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    while (true) {
      const due = this.#timers.filter((t) => t.live && t.at <= end)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.live = false;
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = end;
  }
}

/** A job that runs for `durationMs` of fake time per start. */
function fakeJob(clock: FakeClock, durationMs: number) {
  const starts: number[] = [];
  const job: ScheduledJob = {
    start: () => {
      starts.push(clock.now());
      return Promise.resolve();
    },
    running: () => {
      const last = starts.at(-1);
      return last !== undefined && clock.now() < last + durationMs;
    },
  };
  return { job, starts };
}

const EVERY_2S: Omit<Schedule, "overlap"> = {
  cron: "*/2 * * * * *",
  timezone: null,
};
const T0 = "2026-01-01T00:00:00.500Z";
const at = (iso: string) => Date.parse(iso);

Deno.test("a job that ends before the next tick runs at every tick", () => {
  const clock = new FakeClock(T0);
  const scheduler = new Scheduler({ clock });
  const { job, starts } = fakeJob(clock, 500);
  scheduler.set("tick", { schedule: { ...EVERY_2S, overlap: "skip" }, job });
  assert.equal(scheduler.view("tick")?.nextRunAt, at("2026-01-01T00:00:02Z"));
  clock.advance(6_000);
  assert.deepEqual(starts, [
    at("2026-01-01T00:00:02Z"),
    at("2026-01-01T00:00:04Z"),
    at("2026-01-01T00:00:06Z"),
  ]);
  assert.equal(scheduler.view("tick")?.skipped, 0);
  scheduler.stop();
});

Deno.test("skip: a tick while the last run still runs is skipped and counted", () => {
  const clock = new FakeClock(T0);
  const events: string[] = [];
  const scheduler = new Scheduler({
    clock,
    onEvent: (_name, event) => events.push(event),
  });
  const { job, starts } = fakeJob(clock, 3_000);
  scheduler.set("slow", { schedule: { ...EVERY_2S, overlap: "skip" }, job });
  clock.advance(8_000); // ticks at 2, 4 (skipped), 6, 8 (skipped)
  assert.deepEqual(starts, [
    at("2026-01-01T00:00:02Z"),
    at("2026-01-01T00:00:06Z"),
  ]);
  const view = scheduler.view("slow")!;
  assert.equal(view.skipped, 2);
  assert.equal(view.lastRunAt, at("2026-01-01T00:00:06Z"));
  assert.equal(view.nextRunAt, at("2026-01-01T00:00:10Z"));
  assert.ok(events.includes("still running: this run is skipped"));
  scheduler.stop();
});

Deno.test("queue: a tick while the last run runs starts once that run ended; one waits at most", () => {
  const clock = new FakeClock(T0);
  const scheduler = new Scheduler({ clock, pollMs: 100 });
  const { job, starts } = fakeJob(clock, 5_000);
  scheduler.set("q", { schedule: { ...EVERY_2S, overlap: "queue" }, job });
  clock.advance(2_000); // runs at 2 until 7
  clock.advance(2_000); // tick at 4: queued
  assert.ok(scheduler.view("q")?.queued, "the tick waits");
  clock.advance(2_000); // tick at 6: one is queued already, skipped
  assert.equal(scheduler.view("q")?.skipped, 1);
  clock.advance(1_100); // 7.1: the queued run starts
  assert.deepEqual(starts, [
    at("2026-01-01T00:00:02Z"),
    at("2026-01-01T00:00:07Z"),
  ]);
  assert.ok(!scheduler.view("q")?.queued, "nothing waits any more");
  scheduler.stop();
});

Deno.test("allow: a tick starts a run whatever the last one does", () => {
  const clock = new FakeClock(T0);
  const scheduler = new Scheduler({ clock });
  const { job, starts } = fakeJob(clock, 60_000);
  scheduler.set("a", { schedule: { ...EVERY_2S, overlap: "allow" }, job });
  clock.advance(6_000);
  assert.equal(starts.length, 3);
  assert.equal(scheduler.view("a")?.skipped, 0);
  scheduler.stop();
});

Deno.test("a failed start is the last result; a changed schedule re-arms; stop and unscheduling end the ticks", async () => {
  const clock = new FakeClock(T0);
  const scheduler = new Scheduler({ clock });
  const failing: ScheduledJob = {
    start: () => Promise.reject(new Error("no such program")),
    running: () => false,
  };
  scheduler.set("f", {
    schedule: { ...EVERY_2S, overlap: "skip" },
    job: failing,
  });
  clock.advance(2_000);
  await Promise.resolve();
  assert.equal(scheduler.view("f")?.lastError, "no such program");

  const { job, starts } = fakeJob(clock, 10);
  const minutely: Schedule = {
    cron: "0 * * * * *",
    timezone: "UTC",
    overlap: "skip",
  };
  scheduler.set("f", { schedule: minutely, job });
  assert.equal(scheduler.view("f")?.nextRunAt, at("2026-01-01T00:01:00Z"));
  assert.equal(
    scheduler.view("f")?.lastError,
    "no such program",
    "kept across a change",
  );
  scheduler.set("f", { schedule: null, job });
  assert.equal(scheduler.view("f"), null);
  clock.advance(120_000);
  assert.deepEqual(starts, []);

  scheduler.set("g", { schedule: minutely, job });
  scheduler.stop();
  clock.advance(120_000);
  assert.deepEqual(starts, []);
});

Deno.test("a time zone moves the tick: 09:00 in Europe/Paris is 08:00 UTC in winter", () => {
  const clock = new FakeClock("2026-01-01T00:00:00Z");
  const scheduler = new Scheduler({ clock });
  const { job } = fakeJob(clock, 10);
  scheduler.set("paris", {
    schedule: { cron: "0 9 * * *", timezone: "Europe/Paris", overlap: "skip" },
    job,
  });
  assert.equal(scheduler.view("paris")?.nextRunAt, at("2026-01-01T08:00:00Z"));
  scheduler.stop();
});
