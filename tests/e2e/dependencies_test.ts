import assert from "node:assert/strict";
import {
  denoFixtureService,
  fixtureService,
  freePort,
  holdPort,
  isAlive,
  makeTempWorkspace,
  NOTE_STOP_FIXTURE,
  readLines,
  statusJson,
  supervisorPid,
  taggedProcesses,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertHumanError, assertJsonError, assertRun } from "./_assert.ts";

Deno.test("tend start web starts the db it depends on first, and tend stop stops web before db", async () => {
  await using ws = await makeTempWorkspace();
  const events = ws.path("events");
  // web is listed first: the order comes from depends_on, not the file.
  await ws.writeConfig(
    denoFixtureService("web", NOTE_STOP_FIXTURE, {
      args: [events],
      extra: `depends_on = ["db"]
ready = { log = "ready web" }`,
    }) +
      denoFixtureService("db", NOTE_STOP_FIXTURE, {
        args: [events, "300"],
        extra: 'ready = { log = "ready db" }',
      }),
  );

  const started = await tend(ws, ["start", "web"]);
  assertRun(started, {
    code: 0,
    stdout: /^started "db" \(pid \d+\)\nstarted "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  assert.deepEqual(await readLines(events), [
    "start db",
    "ready db",
    "start web",
    "ready web",
  ], "web started only once db was ready");
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["web", "running"], ["db", "running"]],
  );

  assertRun(await tend(ws, ["stop"]), {
    code: 0,
    stdout: 'stopped "web"\nstopped "db"\n',
    stderr: "",
  });
  assert.deepEqual((await readLines(events)).slice(4), [
    "stop web",
    "stop db",
  ]);
});

Deno.test("tend down stops every service dependents first, then the supervisor", async () => {
  await using ws = await makeTempWorkspace();
  const events = ws.path("events");
  const noter = (name: string, extra = "") =>
    denoFixtureService(name, NOTE_STOP_FIXTURE, {
      args: [events],
      extra: `ready = { log = "ready ${name}" }\n${extra}`,
    });
  // api needs cache and db; cache needs db.
  await ws.writeConfig(
    noter("api", 'depends_on = ["cache", "db"]') +
      noter("db") +
      noter("cache", 'depends_on = ["db"]'),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout:
      /^started "db" \(pid \d+\)\nstarted "cache" \(pid \d+\)\nstarted "api" \(pid \d+\)\n$/,
    stderr: "",
  });
  const starts = (await readLines(events)).filter((l) => l.startsWith("start"));
  assert.deepEqual(starts, ["start db", "start cache", "start api"]);
  const supervisor = (await supervisorPid(ws))!;

  const down = await tend(ws, ["down"]);
  assertRun(down, {
    code: 0,
    stdout: 'stopped "api"\nstopped "cache"\nstopped "db"\n',
    stderr: "supervisor stopped\n",
  });
  const stops = (await readLines(events)).filter((l) => l.startsWith("stop"));
  assert.deepEqual(stops, ["stop api", "stop cache", "stop db"]);
  assert.ok(!isAlive(supervisor), "the supervisor exited");
  assert.deepEqual(await taggedProcesses(ws.dir), []);
});

Deno.test("tend rejects a depends_on cycle with CONFIG_INVALID naming it", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("a", ["--marker", marker], 'depends_on = ["b"]') +
      fixtureService("b", ["--marker", marker], 'depends_on = ["a"]'),
  );
  assertHumanError(await tend(ws, ["start"]), {
    code: 4,
    message: /depends_on cycle: a -> b -> a/,
  });
  assertJsonError(await tend(ws, ["start", "a", "--json"]), {
    code: 4,
    errorCode: "CONFIG_INVALID",
    message: /depends_on cycle: a -> b -> a/,
  });
  assert.equal(await supervisorPid(ws), null, "no supervisor was launched");
  assert.deepEqual(await taggedProcesses(ws.dir), []);
  assert.deepEqual(await readLines(marker), [], "nothing ran");
});

/** A port P such that P … P + count - 1 are all free now. */
function freePortRun(count: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = freePort();
    if (port + count > 65536) continue;
    try {
      for (let i = 1; i < count; i++) {
        Deno.listen({ hostname: "0.0.0.0", port: port + i }).close();
      }
      return port;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    }
  }
  throw new Error(`no ${count} consecutive free ports`);
}

Deno.test("tend runs instances = 2 as web.0 and web.1 on consecutive ports and stops one alone", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const port = freePortRun(2);
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--marker", marker, "--listen"],
      `instances = 2
port = ${port}
port_strategy = "next"
ready = { tcp = "{port}" }`,
    ),
  );
  assertRun(await tend(ws, ["start", "web"]), {
    code: 0,
    stdout: new RegExp(
      `^started "web\\.0" \\(pid \\d+, port ${port}\\)\n` +
        `started "web\\.1" \\(pid \\d+, port ${port + 1}\\)\n$`,
    ),
    stderr: "",
  });
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.port]),
    [["web.0", "running", port], ["web.1", "running", port + 1]],
  );
  const [web0, web1] = status.services.map((s) => s.pid!);
  // Each listens before it writes its marker.
  await waitFor(async () => (await readLines(marker)).length === 2, {
    message: "both instances to write their marker",
  });
  assert.deepEqual(
    (await readLines(marker)).sort(),
    [
      `${web0} ${port} web.0`,
      `${web1} ${port + 1} web.1`,
    ].sort(),
  );

  assertRun(await tend(ws, ["stop", "web.1"]), {
    code: 0,
    stdout: 'stopped "web.1"\n',
    stderr: "",
  });
  assert.ok(!isAlive(web1!), "web.1 was stopped");
  assert.ok(isAlive(web0!), "web.0 still runs");
  const after = await statusJson(ws);
  assert.deepEqual(
    after.services.map((s) => [s.name, s.status, s.pid]),
    [["web.0", "running", web0], ["web.1", "stopped", null]],
  );
});

Deno.test("tend gives each instance its own port when port + i is taken and port_strategy is next", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const port = freePortRun(4);
  await using _holder = await holdPort("0.0.0.0", port + 1);
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--marker", marker, "--listen"],
      `instances = 3
port = ${port}
port_strategy = "next"
ready = { tcp = "{port}" }`,
    ),
  );
  const started = await tend(ws, ["start"]);
  // web.1 skips the taken port + 1; web.2 must not get the port web.1 got.
  const want = [port, port + 2, port + 3];
  assertRun(started, {
    code: 0,
    stderr: "",
    stdout: new RegExp(
      `^started "web\\.0" \\(pid \\d+, port ${port}\\)\\n` +
        `started "web\\.1" \\(pid \\d+, port ${port + 2} \\(${
          port + 1
        } is in use by pid ${_holder.pid}: [^\\n]+\\)\\)\\n` +
        `started "web\\.2" \\(pid \\d+, port ${port + 3} \\(${
          port + 2
        } is in use by service "web\\.1"\\)\\)\\n$`,
    ),
  });
  await waitFor(async () => (await readLines(marker)).length >= 3, {
    message: "three instances to write their marker",
  });
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.port, s.restarts]),
    want.map((p, i) => [`web.${i}`, "running", p, 0]),
  );
  assert.deepEqual(
    (await readLines(marker)).sort(),
    status.services.map((s) => `${s.pid} ${s.port} ${s.name}`).sort(),
    "each instance ran once, on its own port",
  );
});
