import { z } from "npm:zod@4.6.7";
import { TendError } from "../errors.ts";
import { describeValue } from "./_describe.ts";
import { addProblem } from "./_problem.ts";
import {
  DURATION_EXPECTED as EXPECTED,
  MAX_DURATION_MS,
  toDurationMs,
} from "./_units.ts";

export { MAX_DURATION_MS };

/**
 * Converts a duration to whole milliseconds: a number of seconds (`0.5` →
 * `500`) or a string with a unit (`"100ms"`, `"10s"`, `"2m"`, `"1h"`).
 * Throws a `CONFIG_INVALID` {@linkcode TendError} naming `field` when `value`
 * is negative, not a number, has an unknown unit, or is longer than
 * {@linkcode MAX_DURATION_MS}.
 *
 * @example
 * ```ts
 * parseDurationMs("2m", "--timeout"); // 120000
 * ```
 */
export function parseDurationMs(value: unknown, field: string): number {
  const result = toDurationMs(value);
  if ("ms" in result) return result.ms;
  throw new TendError(
    "CONFIG_INVALID",
    `Cannot parse ${field}: expected ${result.expected}, got ${
      describeValue(value)
    }`,
  );
}

function durationSchema(options: { positive: boolean }) {
  return z.union([z.number(), z.string()], { error: `must be ${EXPECTED}` })
    .transform((value, ctx) => {
      const result = toDurationMs(value);
      if (!("ms" in result)) {
        addProblem(ctx, `must be ${result.expected}`, { showInput: true });
        return z.NEVER;
      }
      if (options.positive && result.ms === 0) {
        addProblem(ctx, "must be a duration greater than zero", {
          showInput: true,
        });
        return z.NEVER;
      }
      return result.ms;
    });
}

/** A zod schema of a duration (≥ 0) whose output is whole milliseconds. */
export const durationMsSchema = durationSchema({ positive: false });

/** A zod schema of a duration greater than zero, output in milliseconds. */
export const positiveDurationMsSchema = durationSchema({ positive: true });
