import assert from "node:assert/strict";
import { ClosingGate } from "../../src/supervisor/closing.ts";
import { TendError } from "../../src/errors.ts";
import { pollUntil } from "../../src/_async.ts";

const REFUSED = (error: unknown) =>
  error instanceof TendError && error.code === "SHUTTING_DOWN";

Deno.test("ClosingGate refuses starts once closed, and reopens when no shutdown follows", async () => {
  using gate = new ClosingGate();
  gate.check("/w");
  gate.close({ final: false });
  assert.throws(() => gate.check("/w"), REFUSED);
  gate.reopenAfter(10);
  assert.ok(
    await pollUntil(() => !gate.closed, { timeoutMs: 5_000, intervalMs: 5 }),
    "the gate never reopened",
  );
  gate.check("/w");
});

Deno.test("ClosingGate closed for good does not reopen", async () => {
  using gate = new ClosingGate();
  gate.close({ final: false });
  gate.reopenAfter(10);
  gate.close({ final: true });
  gate.reopenAfter(10);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.throws(() => gate.check("/w"), /is shutting down/);
});
