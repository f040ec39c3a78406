import { z } from "npm:zod@4.6.7";
import { addProblem } from "./_problem.ts";
import {
  ENV_NAME_PATTERN,
  NAME_PATTERN,
  parseHostPort,
  signalName,
  STOP_SIGNALS,
  stopSignalOf,
} from "./_rules.ts";

const PORT_MESSAGE = { error: "must be an integer from 1 to 65535" };
/** A TCP port, 1 to 65535. */
export const portSchema = z.int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(
  65535,
  PORT_MESSAGE,
);

/** A service name. */
export const nameSchema = z.string({ error: "must be a string" }).regex(
  NAME_PATTERN,
  {
    error:
      'must be 1 to 64 letters, digits, "_" or "-", starting with a letter or digit',
  },
);

/** A string with at least one character. */
export const nonEmptyStringSchema = z.string({
  error: "must be a non-empty string",
}).min(1, { error: "must be a non-empty string" });

/** `true` or `false`. */
export const booleanSchema = z.boolean({ error: "must be true or false" });

/** An integer ≥ 0. */
export const countSchema = integerSchema(0);

/** An integer between `min` and `max` (inclusive). */
export function integerSchema(
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): z.ZodInt {
  const message = {
    error: max === Number.MAX_SAFE_INTEGER
      ? `must be an integer of at least ${min}`
      : `must be an integer from ${min} to ${max}`,
  };
  return z.int(message).min(min, message).max(max, message);
}

/** An array of strings. */
export const stringArraySchema = z.array(
  z.string({ error: "must be a string" }),
  { error: "must be an array of strings" },
);

/** A table of environment variables with string values. */
export const envSchema = z.record(
  z.string().regex(ENV_NAME_PATTERN, {
    error: 'must be an environment variable name without "="',
  }),
  z.string({ error: 'must be a string (quote numbers: DEBUG = "1")' }),
  { error: 'must be a table of strings, e.g. { DEBUG = "1" }' },
);

/** Exit codes, 0 to 255. */
export const exitCodesSchema = z.array(integerSchema(0, 255), {
  error: "must be an array of integers from 0 to 255",
});

/** A stop signal, `"TERM"` or `"SIGTERM"` (any case), output as `"SIGTERM"`. */
export const stopSignalSchema = z.string({
  error: `must be one of ${STOP_SIGNALS.join(", ")}`,
}).transform((value, ctx) => {
  const signal = stopSignalOf(value);
  if (signal !== null) return signal;
  addProblem(ctx, `must be one of ${STOP_SIGNALS.join(", ")}`, {
    showInput: true,
    hint: signalName(value) === "SIGUSR1"
      ? "SIGUSR1 is reserved: Deno starts its inspector on it"
      : undefined,
  });
  return z.NEVER;
});

/** A dashboard address `"host:port"`, output as `{ hostname, port }`. */
export const httpAddressSchema = z.string({
  error: 'must be an address "host:port", e.g. "127.0.0.1:8644"',
}).transform((value, ctx) => {
  const address = parseHostPort(value);
  if (address) return address;
  addProblem(ctx, 'must be an address "host:port", e.g. "127.0.0.1:8644"', {
    showInput: true,
  });
  return z.NEVER;
});
