import assert from "node:assert/strict";
import { Ticker } from "../../src/supervisor/ticker.ts";
import { waitFor } from "../_helpers.ts";

Deno.test("Ticker calls every callback of an interval on one timer until each is cancelled", async () => {
  const ticker = new Ticker();
  const calls = { a: 0, b: 0, c: 0 };
  const cancelA = ticker.every(10, () => calls.a++);
  const cancelB = ticker.every(10, () => calls.b++);
  const cancelC = ticker.every(15, () => calls.c++);
  try {
    await waitFor(() => calls.a >= 3 && calls.b >= 3 && calls.c >= 2, {
      timeoutMs: 5_000,
      message: "each callback to run a few times",
    });
    cancelA();
    const [a, b] = [calls.a, calls.b];
    await waitFor(() => calls.b >= b + 2, {
      timeoutMs: 5_000,
      message: "b to run on after a was cancelled",
    });
    assert.equal(calls.a, a, "a ran after it was cancelled");
  } finally {
    cancelA();
    cancelB();
    cancelC();
  }
});
