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
  const moved = new RegExp(
    `port (\\d+) \\(${holder.port} is in use by pid ${holder.pid}: [^\\n]*hold_port[^\\n]*\\)`,
  );
  assertRun(start, {
    code: 0,
    stderr: "",
    stdout: new RegExp(
      `^started "web" \\(pid \\d+, ${moved.source}\\)\\n$`,
    ),
  });
  const [, pid, port] = /pid (\d+), port (\d+)/.exec(start.stdout)!.map(Number);
  assert.ok(port! > holder.port, `port ${port} is not after ${holder.port}`);
  const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
  assert.match(
    log,
    new RegExp(
      `"web" gets port ${port} \\(${holder.port} is in use by pid ${holder.pid}: `,
    ),
  );

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

/** Listeners on `count` consecutive ports from a random base, all free. */
function holdRange(count: number): { base: number } & Disposable {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const held: Deno.Listener[] = [];
    try {
      for (let port = base; port < base + count; port++) {
        held.push(Deno.listen({ hostname: "0.0.0.0", port }));
      }
      return {
        base,
        [Symbol.dispose]: () => held.forEach((l) => l.close()),
      };
    } catch (error) {
      held.forEach((l) => l.close());
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    }
  }
  throw new Error(`Cannot find ${count} free consecutive ports`);
}

Deno.test('tend start with port_strategy = "next" and every port of the range taken names the range and the first holder', async () => {
  await using ws = await makeTempWorkspace();
  using range = holdRange(100);
  const last = range.base + 99;
  await ws.writeConfig(fixtureService(
    "web",
    ["--listen"],
    `port = ${range.base}\nport_strategy = "next"`,
  ));

  const start = await tend(ws, ["start"]);
  assertHumanError(start, {
    code: 5,
    message: new RegExp(
      `^Cannot start "web": every port of ${range.base}-${last} is in use \\(${range.base} by pid ${Deno.pid} \\(`,
    ),
  });
  const hint = start.stderr.split("\n")[1] ?? "";
  assert.match(hint, new RegExp(`^hint: .*${range.base}-${last}`));
  assert.doesNotMatch(hint, /next/);
  assert.deepEqual(
    (await taggedWith(ws.dir)).filter((p) => !p.supervisor),
    [],
    "a service process is left",
  );
});

Deno.test("a port granted to another service of the workspace is named as that service", async () => {
  await using ws = await makeTempWorkspace();
  const port = freePort();
  await ws.writeConfig(
    // Two fixed ports alike under "fail" are a config error; "a" may move.
    fixtureService(
      "a",
      ["--listen"],
      `port = ${port}\nport_strategy = "next"`,
    ) +
      fixtureService("b", ["--listen"], `port = ${port}`),
  );
  const start = await tend(ws, ["start", "a"]);
  assertRun(start, { code: 0, stderr: "", stdout: /^started "a"/ });
  assertHumanError(await tend(ws, ["start", "b"]), {
    code: 5,
    message: new RegExp(
      `^Cannot start "b": port ${port} is in use by service "a"$`,
    ),
  });
});
