import assert from "node:assert/strict";
import { EventHub, type HubEvent } from "../../src/web/hub.ts";
import { fakeHandler } from "../ipc/_fake_handler.ts";
import { waitFor } from "../_helpers.ts";

async function withLog(
  fn: (file: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tend-hub-" });
  try {
    await fn(`${dir}/web.log`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function collect(hub: EventHub): { events: HubEvent[]; stop(): void } {
  const events: HubEvent[] = [];
  const stop = hub.subscribe({
    send: (event) => events.push(event),
    close: () => {},
  });
  return { events, stop };
}

Deno.test("EventHub pushes status once while it does not change, and new log lines", async () => {
  await withLog(async (file) => {
    await Deno.writeTextFile(file, "old line\n");
    const control = fakeHandler();
    const hub = new EventHub({
      control,
      logFiles: () => new Map([["web", file]]),
    }, { intervalMs: 20 });
    const client = collect(hub);
    try {
      await waitFor(() => control.calls.length >= 3);
      await Deno.writeTextFile(file, "new line\n", { append: true });
      await waitFor(() => client.events.some((e) => e.type === "log"));
      const statuses = client.events.filter((e) => e.type === "status");
      assert.equal(statuses.length, 1);
      const logs = client.events.filter((e) => e.type === "log");
      assert.deepEqual(logs.map((e) => e.data), [
        { service: "web", lines: ["new line"] },
      ]);
    } finally {
      client.stop();
    }
    // The sanitizers fail this test if a timer outlives the last client.
    assert.equal(hub.clients, 0);
  });
});

Deno.test("EventHub reads nothing while no client is connected", async () => {
  const control = fakeHandler();
  const hub = new EventHub({ control, logFiles: () => new Map() }, {
    intervalMs: 10,
  });
  const client = collect(hub);
  await waitFor(() => control.calls.length >= 1);
  client.stop();
  const calls = control.calls.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(control.calls.length, calls);
});

Deno.test("EventHub.close() ends every client", () => {
  const hub = new EventHub({
    control: fakeHandler(),
    logFiles: () => new Map(),
  });
  let closed = 0;
  hub.subscribe({ send: () => {}, close: () => closed++ });
  hub.subscribe({ send: () => {}, close: () => closed++ });
  hub.close();
  assert.equal(closed, 2);
  assert.equal(hub.clients, 0);
});
