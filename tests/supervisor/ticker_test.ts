import assert from "node:assert/strict";
import { Ticker } from "../../src/supervisor/ticker.ts";
import { waitFor } from "../_helpers.ts";

Deno.test("Ticker runs intervals of whole ticks on one tick, each at its own rate, until cancelled", async () => {
  // A 250 ms tick stands for the default second (TEND_TIMING=fast has 100 ms).
  const tick = 250;
  const began = performance.now();
  const ticker = new Ticker({ tickMs: tick });
  const calls = { second: 0, twoSeconds: 0, once: 0 };
  // Each call, in order, with when it came (ms since the ticker was made).
  const seen: { what: "second" | "twoSeconds"; at: number }[] = [];
  const note = (what: "second" | "twoSeconds") => {
    calls[what]++;
    seen.push({ what, at: performance.now() - began });
  };
  const cancelSecond = ticker.every(tick, () => note("second"));
  const cancelTwo = ticker.every(2 * tick, () => note("twoSeconds"));
  const cancelOnce = ticker.once(tick, () => calls.once++);
  try {
    await waitFor(() => calls.twoSeconds >= 2, {
      timeoutMs: 10_000,
      message: "the two-second callback to run twice",
    });
    // A late timer on a loaded machine delays ticks (and so lowers counts),
    // but a callback never runs sooner than its rate allows: the n-th call
    // of an interval of k ticks comes n·k ticks or more after the start.
    for (const what of ["second", "twoSeconds"] as const) {
      const every = what === "second" ? tick : 2 * tick;
      for (const [i, call] of seen.filter((c) => c.what === what).entries()) {
        assert.ok(
          call.at >= (i + 1) * every - 2,
          `${what} call ${i + 1} came at ${call.at.toFixed(0)} ms`,
        );
      }
    }
    // One timer: the two-second callback runs on a tick of the one-second
    // one, right after it (the order they were added in).
    for (const [i, call] of seen.entries()) {
      if (call.what !== "twoSeconds") continue;
      assert.equal(seen[i - 1]?.what, "second", JSON.stringify(seen));
    }
    assert.equal(calls.once, 1);
    cancelSecond();
    const seenSecond = calls.second;
    await waitFor(() => calls.twoSeconds >= 3, {
      timeoutMs: 10_000,
      message: "the two-second callback to run on alone",
    });
    assert.equal(calls.second, seenSecond, "a cancelled callback ran");
    assert.equal(calls.once, 1, "once ran twice");
  } finally {
    cancelSecond();
    cancelTwo();
    cancelOnce();
  }
});

Deno.test("Ticker gives an interval that is not whole ticks a timer of its own", async () => {
  const ticker = new Ticker();
  let calls = 0;
  const cancel = ticker.every(20, () => calls++);
  try {
    await waitFor(() => calls >= 3, {
      timeoutMs: 5_000,
      message: "a 20 ms callback to run three times",
    });
  } finally {
    cancel();
  }
  const seen = calls;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(calls, seen, "it ran after it was cancelled");
});
