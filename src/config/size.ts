import { z } from "npm:zod@4.6.7";
import { TendError } from "../errors.ts";
import { describeValue } from "./_describe.ts";
import { addProblem } from "./_problem.ts";

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};
const SIZE_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*(b|kb|kib|mb|mib|gb|gib)$/i;
const EXPECTED =
  'a size greater than zero: a number of bytes or a string such as "512KB", "10MB" or "1GB"';

/**
 * Converts a size to a whole number of bytes: an integer number of bytes, or
 * a string with a 1024-based unit (`"100B"`, `"512KB"`, `"10MB"`, `"1GB"`;
 * case-insensitive, `KiB`/`MiB`/`GiB` too). Throws a `CONFIG_INVALID`
 * {@linkcode TendError} naming `field` when `value` is not a size above zero.
 *
 * @example
 * ```ts
 * parseSizeBytes("10MB", "log_max_size"); // 10485760
 * ```
 */
export function parseSizeBytes(value: unknown, field: string): number {
  const bytes = toSizeBytes(value);
  if (bytes !== undefined) return bytes;
  throw new TendError(
    "CONFIG_INVALID",
    `Cannot parse ${field}: expected ${EXPECTED}, got ${describeValue(value)}`,
  );
}

function toSizeBytes(value: unknown): number | undefined {
  const bytes = rawSizeBytes(value);
  return bytes !== undefined && bytes >= 1 && Number.isSafeInteger(bytes)
    ? bytes
    : undefined;
}

function rawSizeBytes(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const match = SIZE_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, amount = "", unit = ""] = match;
  const factor = UNIT_BYTES[unit.toLowerCase()] ?? Number.NaN;
  return Math.floor(Number(amount) * factor);
}

/** A zod schema of a size greater than zero whose output is bytes. */
export const sizeBytesSchema = z.union([z.number(), z.string()], {
  error: `must be ${EXPECTED}`,
}).transform((value, ctx) => {
  const bytes = toSizeBytes(value);
  if (bytes !== undefined) return bytes;
  addProblem(ctx, `must be ${EXPECTED}`, { showInput: true });
  return z.NEVER;
});
