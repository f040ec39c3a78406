import assert from "node:assert/strict";
import {
  durationMsSchema,
  MAX_DURATION_MS,
  parseDurationMs,
  positiveDurationMsSchema,
} from "../../src/config/duration.ts";
import { TendError } from "../../src/errors.ts";

const VALID: [unknown, number][] = [
  [0, 0],
  [0.5, 500],
  [3, 3_000],
  [1.25, 1_250],
  ["100ms", 100],
  ["10s", 10_000],
  ["1.5s", 1_500],
  [".5s", 500],
  ["2m", 120_000],
  ["1h", 3_600_000],
  [" 10 s ", 10_000],
  ["0s", 0],
  ["596h", 596 * 3_600_000],
];

const INVALID: unknown[] = [
  -1,
  -0.5,
  Number.NaN,
  Infinity,
  "-1s",
  "10",
  "10x",
  "1d",
  "10 seconds",
  "",
  "s",
  true,
  null,
  undefined,
  [1],
  { s: 1 },
  "597h",
  MAX_DURATION_MS / 1000 + 1,
];

Deno.test("parseDurationMs() converts seconds and unit strings to milliseconds", async (t) => {
  for (const [value, ms] of VALID) {
    await t.step(`${JSON.stringify(value)} -> ${ms}`, () => {
      assert.equal(parseDurationMs(value, "delay"), ms);
    });
  }
});

Deno.test("parseDurationMs() rejects negative, non-finite, unitless and unknown units", async (t) => {
  for (const value of INVALID) {
    await t.step(String(JSON.stringify(value)), () => {
      assert.throws(
        () => parseDurationMs(value, "--timeout"),
        (error: unknown) =>
          error instanceof TendError && error.code === "CONFIG_INVALID" &&
          error.message.startsWith(
            "Cannot parse --timeout: expected a duration",
          ),
      );
    });
  }
});

Deno.test("parseDurationMs() names the field and the value it got", () => {
  assert.throws(() => parseDurationMs("5x", "--timeout"), {
    message:
      'Cannot parse --timeout: expected a duration: a number of seconds or a string such as "100ms", "10s", "2m" or "1h", got "5x"',
  });
});

Deno.test("durationMsSchema outputs milliseconds and rejects what parseDurationMs rejects", async (t) => {
  for (const [value, ms] of VALID) {
    await t.step(`accepts ${JSON.stringify(value)}`, () => {
      assert.equal(durationMsSchema.parse(value), ms);
    });
  }
  for (const value of INVALID) {
    await t.step(`rejects ${JSON.stringify(value)}`, () => {
      assert.ok(!durationMsSchema.safeParse(value).success);
    });
  }
});

Deno.test("positiveDurationMsSchema rejects zero", () => {
  assert.equal(positiveDurationMsSchema.parse("1ms"), 1);
  for (const zero of [0, "0s", "0ms", 0.0001]) {
    const result = positiveDurationMsSchema.safeParse(zero);
    assert.ok(!result.success);
    assert.equal(
      result.error?.issues[0]?.message,
      "must be a duration greater than zero",
    );
  }
});
