import assert from "node:assert/strict";
import { warmRuntime } from "../../src/supervisor/warm_runtime.ts";

// The op and resource sanitizers fail this test if warming left a timer,
// a server or a child behind.
Deno.test("warmRuntime starts nothing, and timers work after it", async () => {
  warmRuntime();
  warmRuntime();
  const fired = await new Promise<string>((resolve) =>
    setTimeout(() => resolve("fired"), 1)
  );
  assert.equal(fired, "fired");
});
