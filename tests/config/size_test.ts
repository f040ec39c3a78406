import assert from "node:assert/strict";
import { parseSizeBytes, sizeBytesSchema } from "../../src/config/size.ts";
import { TendError } from "../../src/errors.ts";

const VALID: [unknown, number][] = [
  [1, 1],
  [10_485_760, 10_485_760],
  ["100B", 100],
  ["512KB", 512 * 1024],
  ["10MB", 10 * 1024 ** 2],
  ["1GB", 1024 ** 3],
  ["10mb", 10 * 1024 ** 2],
  ["10 MiB", 10 * 1024 ** 2],
  ["1.5MB", 1.5 * 1024 ** 2],
  ["1.5KB", 1536],
];

const INVALID: unknown[] = [
  0,
  -1,
  1.5,
  Number.NaN,
  "0MB",
  "10",
  "10TB",
  "MB",
  "",
  "-1MB",
  true,
  null,
  [10],
];

Deno.test("parseSizeBytes() converts bytes and 1024-based unit strings", async (t) => {
  for (const [value, bytes] of VALID) {
    await t.step(`${JSON.stringify(value)} -> ${bytes}`, () => {
      assert.equal(parseSizeBytes(value, "log_max_size"), bytes);
    });
  }
});

Deno.test("parseSizeBytes() rejects zero, fractions of a byte and unknown units", async (t) => {
  for (const value of INVALID) {
    await t.step(String(JSON.stringify(value)), () => {
      assert.throws(
        () => parseSizeBytes(value, "log_max_size"),
        (error: unknown) =>
          error instanceof TendError && error.code === "CONFIG_INVALID" &&
          error.message.startsWith(
            "Cannot parse log_max_size: expected a size",
          ),
      );
    });
  }
});

Deno.test("sizeBytesSchema agrees with parseSizeBytes()", async (t) => {
  for (const [value, bytes] of VALID) {
    await t.step(`accepts ${JSON.stringify(value)}`, () => {
      assert.equal(sizeBytesSchema.parse(value), bytes);
    });
  }
  for (const value of INVALID) {
    await t.step(`rejects ${JSON.stringify(value)}`, () => {
      assert.ok(!sizeBytesSchema.safeParse(value).success);
    });
  }
});
