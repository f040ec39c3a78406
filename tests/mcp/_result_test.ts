import assert from "node:assert/strict";
import { toolError, toolResult, usage } from "../../src/mcp/_result.ts";
import { TendError } from "../../src/errors.ts";

Deno.test("toolResult() gives the JSON as text and as structured content", () => {
  const value = { added: ["web"], removed: [] };
  assert.deepEqual(toolResult(value), {
    content: [{ type: "text", text: JSON.stringify(value, null, 2) }],
    structuredContent: value,
  });
});

Deno.test("toolError() is a tool error led by tend's code, with the hint", async (t) => {
  await t.step("with a hint", () => {
    const error = new TendError(
      "NOT_RUNNING",
      'Cannot reload "/srv": no supervisor is running',
      { hint: 'Run "tend start"' },
    );
    assert.deepEqual(toolError(error), {
      content: [{
        type: "text",
        text:
          'NOT_RUNNING: Cannot reload "/srv": no supervisor is running\nhint: Run "tend start"',
      }],
      isError: true,
    });
  });
  await t.step("without", () => {
    const error = new TendError("CONFIG_INVALID", "Cannot read tend.toml");
    assert.equal(
      toolError(error).content[0]!.text,
      "CONFIG_INVALID: Cannot read tend.toml",
    );
  });
});

Deno.test("usage() makes a zod error message carrying USAGE", () => {
  assert.deepEqual(usage('"lines" must be a whole number'), {
    error: 'USAGE: "lines" must be a whole number',
  });
});
