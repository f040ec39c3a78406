import assert from "node:assert/strict";
import {
  configJsonSchema,
  JSON_SCHEMA_PATH,
} from "../../src/config/json_schema.ts";

const COMMITTED = new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url);

Deno.test("configJsonSchema() equals the committed schema/tend.schema.json", async () => {
  const committed = await Deno.readTextFile(COMMITTED);
  assert.equal(
    committed,
    JSON.stringify(configJsonSchema(), null, 2) + "\n",
    'schema/tend.schema.json is stale: run "deno task schema"',
  );
});

Deno.test("configJsonSchema() refuses unknown fields at every level", () => {
  const schema = configJsonSchema() as {
    additionalProperties: boolean;
    properties: Record<string, {
      additionalProperties?: boolean;
      items?: {
        additionalProperties: boolean;
        properties: Record<string, { additionalProperties?: boolean }>;
      };
    }>;
  };
  const closed = false;
  assert.equal(schema.additionalProperties, closed);
  assert.equal(schema.properties.daemon?.additionalProperties, closed);
  const service = schema.properties.processes?.items;
  assert.equal(service?.additionalProperties, closed);
  assert.equal(service?.properties.ready?.additionalProperties, closed);
  assert.deepEqual(
    schema.properties.services?.items,
    schema.properties.processes?.items,
  );
});

Deno.test("configJsonSchema() takes durations as numbers or strings, as tend.toml does", () => {
  const schema = configJsonSchema() as {
    properties: {
      processes: { items: { properties: Record<string, { type?: unknown }> } };
    };
  };
  const fields = schema.properties.processes.items.properties;
  for (const field of ["stop_timeout", "restart_delay", "ready_timeout"]) {
    assert.deepEqual(fields[field]?.type, ["number", "string"], field);
  }
  assert.ok("image" in fields);
});
