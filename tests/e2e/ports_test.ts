import assert from "node:assert/strict";
import {
  fixtureService,
  freePort,
  holdPort,
  isAlive,
  makeTempWorkspace,
  readPids,
  statusJson,
  taggedWith,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertHumanError, assertJsonFailure, assertRun } from "./_assert.ts";

/** The lines of the service fixture's marker: `<pid> <PORT> <name>`. */
async function markerLines(marker: string): Promise<string[][]> {
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: `the service to write ${marker}`,
  });
  const text = await Deno.readTextFile(marker);
  return text.split("\n").filter(Boolean).map((line) => line.split(" "));
}

Deno.test('tend start with port_strategy = "next" gives a later port when the wanted one is taken', async () => {
  await using ws = await makeTempWorkspace();
  await using holder = await holdPort("0.0.0.0", freePort());
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService(
    "web",
    ["--listen", "--marker", marker],
    `port = ${holder.port}\nport_strategy = "next"`,
  ));

  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stdout: /^started "web" \(pid \d+, port \d+\)\n$/,
    stderr: "",
  });
  const [, pid, port] = /pid (\d+), port (\d+)/.exec(start.stdout)!.map(Number);
  assert.ok(port! > holder.port, `port ${port} is not after ${holder.port}`);

  assert.deepEqual(await markerLines(marker), [[`${pid}`, `${port}`, "web"]]);
  const [web] = (await statusJson(ws)).services;
  assert.equal(web?.status, "running");
  assert.equal(web?.pid, pid);
  assert.equal(web?.port, port);
  // The fixture really listens on the port it was given.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: port! });
  conn.close();
  assert.ok(isAlive(holder.pid), "the holder was disturbed");
});

Deno.test('tend start with port_strategy = "fail" names the holder and leaves no service running', async (t) => {
  await using ws = await makeTempWorkspace();
  await using holder = await holdPort("0.0.0.0", freePort());
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService(
    "web",
    ["--listen", "--marker", marker],
    `port = ${holder.port}`,
  ));
  const message = new RegExp(
    `^Cannot start "web": port ${holder.port} is in use by pid ${holder.pid}\\b`,
  );

  await t.step("for people", async () => {
    assertHumanError(await tend(ws, ["start"]), { code: 5, message });
  });
  await t.step("with --json", async () => {
    assertJsonFailure(await tend(ws, ["start", "--json"]), {
      code: 5,
      errorCode: "PORT_IN_USE",
      message,
    });
  });

  const status = await tend(ws, ["status", "--json"]);
  assertRun(status, { code: 3, stdout: /^\{/, stderr: "" });
  const [web] = JSON.parse(status.stdout).services;
  assert.notEqual(web.status, "running");
  assert.equal(web.pid, null);
  const tagged = await taggedWith(ws.dir);
  assert.deepEqual(
    tagged.filter((p) => !p.supervisor),
    [],
    "a service process is left",
  );
  assert.equal(
    await Deno.stat(marker).catch(() => null),
    null,
    "the service ran",
  );
  assert.ok(isAlive(holder.pid), "the holder was disturbed");
});
