import { z } from "npm:zod@4.6.7";
import { configSchema } from "./schema.ts";

/** Where the generated schema is committed, relative to the repository root. */
export const JSON_SCHEMA_PATH = "schema/tend.schema.json";

/** Where `tend init` writes the schema in a workspace, for `#:schema`. */
export const WORKSPACE_SCHEMA_PATH = ".tend/tend.schema.json";

/**
 * The JSON Schema (draft 7) of `tend.toml`, generated from the zod
 * {@linkcode configSchema}, so that the two never disagree: what a user may
 * write (input types: durations as numbers or strings, mi7soft-daemon's
 * fields), with unknown fields refused. Checks that need the whole file
 * (names of depends_on, cycles) stay with tend.
 *
 * @example
 * ```ts
 * const schema = configJsonSchema();
 * schema.title; // "tend.toml"
 * ```
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, {
    io: "input",
    target: "draft-7",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: "tend.toml",
    description:
      "The services of a tend workspace (a superset of mi7soft-daemon's daemon.toml). Generated from tend's config schema (src/config/schema.ts).",
    ...rest,
  };
}
