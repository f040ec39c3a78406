/**
 * `deno task types`: regenerates src/ipc/wire_types.ts from the zod schemas
 * of src/ipc/protocol.ts and src/ipc/protocol/ (see scripts/_wire/render.ts),
 * src/ipc/wire_requests.ts, the request bodies' JSON Schemas that the
 * supervisor checks without zod (scripts/_wire/requests.ts), and
 * src/ipc/wire_responses.ts, the answers' JSON Schemas that the CLI checks
 * without zod (scripts/_wire/responses.ts).
 * tests/ipc/wire_types_test.ts and wire_requests_test.ts fail when a
 * committed file differs from what this writes. Run it after changing a
 * schema.
 */
import * as protocol from "../src/ipc/protocol.ts";
import { formatted, protocolSource, renderWireTypes } from "./_wire/render.ts";
import { renderWireRequests } from "./_wire/requests.ts";
import { renderWireResponses } from "./_wire/responses.ts";

const source = await protocolSource(new URL("../", import.meta.url));
await Deno.writeTextFile(
  new URL("../src/ipc/wire_types.ts", import.meta.url),
  await formatted(renderWireTypes(protocol, source)),
);
await Deno.writeTextFile(
  new URL("../src/ipc/wire_requests.ts", import.meta.url),
  await formatted(renderWireRequests(protocol.ENDPOINTS)),
);
await Deno.writeTextFile(
  new URL("../src/ipc/wire_responses.ts", import.meta.url),
  await formatted(
    renderWireResponses(protocol.ENDPOINTS, {
      errorBody: protocol.ErrorBody,
      handshake: protocol.Handshake,
    }),
  ),
);
