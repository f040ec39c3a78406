import { z } from "npm:zod@4.6.7";
import { TendError } from "../errors.ts";
import { describeValue } from "./_describe.ts";
import { addProblem } from "./_problem.ts";
import { SIZE_EXPECTED as EXPECTED, toSizeBytes } from "./_units.ts";

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

/** A zod schema of a size greater than zero whose output is bytes. */
export const sizeBytesSchema = z.union([z.number(), z.string()], {
  error: `must be ${EXPECTED}`,
}).transform((value, ctx) => {
  const bytes = toSizeBytes(value);
  if (bytes !== undefined) return bytes;
  addProblem(ctx, `must be ${EXPECTED}`, { showInput: true });
  return z.NEVER;
});
