/**
 * `deno task schema`: regenerates schema/tend.schema.json from the zod config
 * schema (src/config/schema.ts). tests/config/json_schema_test.ts fails when
 * the committed file differs from what this writes.
 */
import {
  configJsonSchema,
  JSON_SCHEMA_PATH,
} from "../src/config/json_schema.ts";

const file = new URL(`../${JSON_SCHEMA_PATH}`, import.meta.url);
await Deno.mkdir(new URL(".", file), { recursive: true });
await Deno.writeTextFile(
  file,
  JSON.stringify(configJsonSchema(), null, 2) + "\n",
);
