import assert from "node:assert/strict";
import { listenHttp } from "../../src/web/server.ts";
import { TendError } from "../../src/errors.ts";
import { fakeHandler } from "../ipc/_fake_handler.ts";
import { freePort, waitFor } from "../_helpers.ts";

const TOKEN = "f".repeat(64);

function serve(port = 0) {
  return listenHttp({ hostname: "127.0.0.1", port }, {
    source: { control: fakeHandler(), logFiles: () => new Map() },
    token: TOKEN,
  });
}

Deno.test("listenHttp() drops an event stream's client when it goes away", async () => {
  const http = serve();
  try {
    const abort = new AbortController();
    const response = await fetch(`${http.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    assert.equal(http.hub.clients, 1);
    await reader.cancel();
    abort.abort();
    await waitFor(() => http.hub.clients === 0, {
      message: "the client to be dropped",
    });
  } finally {
    await http.close();
  }
});

Deno.test("listenHttp() ends open event streams when it closes", async () => {
  const http = serve();
  const response = await fetch(`${http.url}/api/v1/events`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const ended = response.text().then(() => "ended", () => "cut");
  await waitFor(() => http.hub.clients === 1);
  await http.close();
  assert.equal(http.hub.clients, 0);
  assert.ok(["ended", "cut"].includes(await ended));
});

Deno.test("listenHttp() refuses an address off loopback and a port in use", () => {
  assert.throws(
    () =>
      listenHttp({ hostname: "0.0.0.0", port: 0 }, {
        source: { control: fakeHandler(), logFiles: () => new Map() },
        token: TOKEN,
      }),
    (error: unknown) =>
      error instanceof TendError && error.code === "CONFIG_INVALID",
  );
  const port = freePort("127.0.0.1");
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  try {
    assert.throws(
      () => serve(port),
      (error: unknown) =>
        error instanceof TendError && error.code === "PORT_IN_USE",
    );
  } finally {
    listener.close();
  }
});
