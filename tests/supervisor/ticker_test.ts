import assert from "node:assert/strict";
import { Ticker } from "../../src/supervisor/ticker.ts";
import { waitFor } from "../_helpers.ts";

Deno.test("Ticker runs intervals of whole ticks on one tick, each at its own rate, until cancelled", async () => {
  // A 250 ms tick stands for the default second (TEND_TIMING=fast has 100 ms).
  const tick = 250;
  const ticker = new Ticker({ tickMs: tick });
  const calls = { second: 0, twoSeconds: 0, once: 0 };
  const cancelSecond = ticker.every(tick, () => calls.second++);
  const cancelTwo = ticker.every(2 * tick, () => calls.twoSeconds++);
  const cancelOnce = ticker.once(tick, () => calls.once++);
  try {
    await waitFor(() => calls.twoSeconds >= 2, {
      timeoutMs: 10_000,
      message: "the two-second callback to run twice",
    });
    assert.ok(calls.second >= 4, `every second ran ${calls.second} times`);
    assert.ok(calls.second <= 5, `every second ran ${calls.second} times`);
    assert.equal(calls.once, 1);
    cancelSecond();
    const seen = calls.second;
    await waitFor(() => calls.twoSeconds >= 3, {
      timeoutMs: 10_000,
      message: "the two-second callback to run on alone",
    });
    assert.equal(calls.second, seen, "a cancelled callback ran");
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
