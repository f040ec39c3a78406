import { z } from "npm:zod@4.6.7";
import { booleanSchema, nonEmptyStringSchema } from "./_fields.ts";
import type { EnvFileEntry } from "./_entry.ts";

const EXPECTED =
  'must be a path, a table { path = "...", optional = true }, or an array of them';

/** An entry given as a plain path must exist. */
const REQUIRED_BY_DEFAULT = false;

const entrySchema = z.union([
  nonEmptyStringSchema,
  z.strictObject({
    path: nonEmptyStringSchema,
    optional: booleanSchema.default(REQUIRED_BY_DEFAULT),
  }),
], { error: EXPECTED });

export type { EnvFileEntry };

/**
 * `env_file = ".env"`, `{ path = ".env.local", optional = true }`, or an
 * array of them (later files win), output as a list of {@linkcode EnvFileEntry}.
 */
export const envFileSchema = z.union([entrySchema, z.array(entrySchema)], {
  error: EXPECTED,
}).transform((value): EnvFileEntry[] =>
  (Array.isArray(value) ? value : [value]).map((entry) =>
    typeof entry === "string" ? { path: entry, optional: false } : entry
  )
);
