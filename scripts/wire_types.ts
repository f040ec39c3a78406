/**
 * `deno task types`: regenerates src/ipc/wire_types.ts from the zod schemas
 * of src/ipc/protocol.ts and src/ipc/protocol/ (see scripts/_wire/render.ts).
 * tests/ipc/wire_types_test.ts fails when the committed file differs from
 * what this writes. Run it after changing a schema.
 */
import * as protocol from "../src/ipc/protocol.ts";
import { formatted, protocolSource, renderWireTypes } from "./_wire/render.ts";

const source = await protocolSource(new URL("../", import.meta.url));
await Deno.writeTextFile(
  new URL("../src/ipc/wire_types.ts", import.meta.url),
  await formatted(renderWireTypes(protocol, source)),
);
