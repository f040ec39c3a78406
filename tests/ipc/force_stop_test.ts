import assert from "node:assert/strict";
import { ControlClient } from "../../src/ipc/client.ts";
import { serveControl } from "../../src/ipc/server.ts";
import { makeTempDir } from "../fence/_helpers.ts";
import { fakeHandler } from "./_fake_handler.ts";

Deno.test("ControlClient.stop() carries force to the handler only when asked", async () => {
  await using dir = await makeTempDir();
  const socket = dir.join("tend.sock");
  type Options = { force?: boolean | undefined; closing: boolean };
  const seen: [string[], Options][] = [];
  const handler = {
    ...fakeHandler(),
    stop(names: string[], options: Options) {
      seen.push([names, options]);
      return Promise.resolve({ results: [] });
    },
  };
  const controller = new AbortController();
  const server = serveControl(socket, { handler, signal: controller.signal });
  try {
    using client = new ControlClient(socket);
    await client.stop(["web"]);
    await client.stop(["web"], { force: true });
    await client.stop([], { force: false });
  } finally {
    controller.abort();
    await server.finished;
  }
  assert.deepEqual(seen, [
    [["web"], { closing: false }],
    [["web"], { force: true, closing: false }],
    [[], { force: false, closing: false }],
  ]);
});
