import assert from "node:assert/strict";
import { asTendError, wrapped } from "../../src/api/_wrap.ts";
import { TendError } from "../../src/errors.ts";

Deno.test("asTendError() keeps a TendError as it is", () => {
  const error = new TendError("UNKNOWN_SERVICE", 'Cannot start "x"');
  assert.equal(asTendError(error, "start"), error);
});

Deno.test("asTendError() gives other failures the action's code, keeping the cause", async (t) => {
  const cases = [
    ["start", "START_FAILED", "Cannot start services: boom"],
    ["restart", "START_FAILED", "Cannot restart services: boom"],
    ["stop", "STOP_FAILED", "Cannot stop services: boom"],
    ["kill", "STOP_FAILED", "Cannot kill services: boom"],
    ["down", "STOP_FAILED", "Cannot stop the workspace: boom"],
    ["status", "NOT_RUNNING", "Cannot read the status: boom"],
    ["logs", "NOT_RUNNING", "Cannot read the logs: boom"],
    ["open", "CONFIG_INVALID", "Cannot open the workspace: boom"],
  ] as const;
  for (const [action, code, message] of cases) {
    await t.step(action, () => {
      const cause = new Error("boom");
      const wrappedError = asTendError(cause, action);
      assert.equal(wrappedError.code, code);
      assert.equal(wrappedError.message, message);
      assert.equal(wrappedError.cause, cause);
    });
  }
});

Deno.test("asTendError() reports a permission failure as PERMISSION_DENIED with a hint", () => {
  const error = asTendError(
    new Deno.errors.NotCapable("Requires read access"),
    "status",
  );
  assert.equal(error.code, "PERMISSION_DENIED");
  assert.match(error.hint ?? "", /--allow-all/);
});

Deno.test("wrapped() turns a thrown string into a TendError", async () => {
  await assert.rejects(
    wrapped("reload", () => Promise.reject("odd")),
    (error: unknown) =>
      error instanceof TendError && error.code === "START_FAILED" &&
      error.message === "Cannot reload the config: odd",
  );
});
