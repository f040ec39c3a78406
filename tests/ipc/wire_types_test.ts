import assert from "node:assert/strict";
import * as protocol from "../../src/ipc/protocol.ts";
import {
  formatted,
  protocolSource,
  renderWireTypes,
} from "../../scripts/_wire/render.ts";

const root = new URL("../../", import.meta.url);

Deno.test("src/ipc/wire_types.ts is what `deno task types` generates", async () => {
  const source = await protocolSource(root);
  const committed = await Deno.readTextFile(
    new URL("src/ipc/wire_types.ts", root),
  );
  const generated = await formatted(renderWireTypes(protocol, source));
  assert.ok(
    committed === generated,
    "src/ipc/wire_types.ts is stale: run `deno task types`",
  );
});

Deno.test("renderWireTypes() spells out input and output sides", () => {
  const text = renderWireTypes(protocol, "");
  assert.match(
    text,
    /export interface StartRequest \{[\s\S]*?\n {2}wait: boolean;/,
  );
  assert.match(
    text,
    /export interface StartRequestInput \{[\s\S]*?\n {2}wait\?: boolean \| undefined;/,
  );
  assert.match(text, /\n {2}lastExit: LastExit \| null;/);
});

Deno.test("renderWireTypes() rejects a schema kind it cannot spell", async () => {
  const z = await import("npm:zod@4.6.7/mini");
  assert.throws(
    () => renderWireTypes({ Odd: z.bigint() }, ""),
    /Cannot render a zod "bigint" schema/,
  );
});

Deno.test("renderWireTypes() spells records, tuples and references", async () => {
  const z = await import("npm:zod@4.6.7/mini");
  const Port = z.int();
  const text = renderWireTypes({
    Port,
    Ports: z.object({
      byName: z.record(z.string(), Port),
      pair: z.tuple([z.string(), z.nullable(Port)]),
    }),
  }, "");
  assert.match(text, /byName: Record<string, Port>;/);
  assert.match(text, /pair: \[string, Port \| null\];/);
});
