import assert from "node:assert/strict";
import { startedAtMs } from "../../src/proc/start_time.ts";

/** Keeps the event loop busy for `ms`, as a loaded supervisor's would be. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The loop is the point: nothing else runs meanwhile.
  }
}

Deno.test({
  name:
    "startedAtMs() does not move with a busy event loop between the call and its answer",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const quiet = await startedAtMs(0);
    const answer = startedAtMs(0);
    busyFor(300);
    const busy = await answer;
    // The boot time, computed twice: the same to the clock's 10 ms ticks
    // (and /proc/uptime's), not 300 ms later.
    assert.ok(
      Math.abs(busy - quiet) < 50,
      `boot time moved by ${busy - quiet} ms while the loop was busy`,
    );
  },
});

Deno.test({
  name: "startedAtMs() of this process is between the boot and now",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const stat = await Deno.readTextFile("/proc/self/stat");
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const started = await startedAtMs(ticks);
    assert.ok(started <= Date.now(), "started in the future");
    assert.ok(
      started > Date.now() - 10 * 60_000,
      "started more than 10 minutes ago",
    );
    assert.ok(started >= await startedAtMs(0), "started before the boot");
  },
});
