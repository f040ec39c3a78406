import { z } from "npm:zod@4.6.7";
import { TendError } from "../errors.ts";
import { describeValue } from "./_describe.ts";
import { addProblem } from "./_problem.ts";

/** The longest duration tend accepts: the limit of `setTimeout` (24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)$/;
const EXPECTED =
  'a duration: a number of seconds or a string such as "100ms", "10s", "2m" or "1h"';

type DurationResult = { ms: number } | { expected: string };

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

function toDurationMs(value: unknown): DurationResult {
  const ms = rawDurationMs(value);
  if (ms === undefined) return { expected: EXPECTED };
  if (ms > MAX_DURATION_MS) {
    return { expected: "a duration of at most 24 days" };
  }
  return { ms };
}

function rawDurationMs(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0
      ? Math.round(value * 1_000)
      : undefined;
  }
  if (typeof value !== "string") return undefined;
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, amount = "", unit = ""] = match;
  return Math.round(Number(amount) * (UNIT_MS[unit] ?? Number.NaN));
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
