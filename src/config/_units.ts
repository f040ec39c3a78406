/**
 * Durations and sizes as tend.toml writes them, converted without a
 * validator: duration.ts and size.ts wrap these in their zod schemas and
 * their CLI parsers, and quick.ts uses them as they are.
 */

/** The longest duration tend accepts: the limit of `setTimeout` (24.8 days). */
export const MAX_DURATION_MS = 2_147_483_647;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)$/;

/** What a duration must be, for messages. */
export const DURATION_EXPECTED =
  'a duration: a number of seconds or a string such as "100ms", "10s", "2m" or "1h"';

/** A duration in whole ms, or what it should have been. */
export type DurationResult = { ms: number } | { expected: string };

/**
 * A duration in whole milliseconds: a number of seconds (`0.5` → `500`) or a
 * string with a unit (`"100ms"`, `"10s"`, `"2m"`, `"1h"`), at most
 * {@linkcode MAX_DURATION_MS}; else what was expected.
 */
export function toDurationMs(value: unknown): DurationResult {
  const ms = rawDurationMs(value);
  if (ms === undefined) return { expected: DURATION_EXPECTED };
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

/** What a size must be, for messages. */
export const SIZE_EXPECTED =
  'a size greater than zero: a number of bytes or a string such as "512KB", "10MB" or "1GB"';

/**
 * A size in whole bytes, at least 1: an integer number of bytes, or a string
 * with a 1024-based unit (`"512KB"`, `"10MB"`; any case, `KiB` too);
 * `undefined` for anything else.
 */
export function toSizeBytes(value: unknown): number | undefined {
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
