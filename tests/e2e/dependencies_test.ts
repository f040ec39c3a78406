import assert from "node:assert/strict";
import {
  denoFixtureService,
  fixtureService,
  makeTempWorkspace,
  NOTE_STOP_FIXTURE,
  readLines,
  statusJson,
  supervisorPid,
  taggedProcesses,
  tend,
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
    stdout: "",
    stderr: /^started "db" \(pid \d+\)\nstarted "web" \(pid \d+\)\n$/,
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
    stdout: "",
    stderr: 'stopped "web"\nstopped "db"\n',
  });
  assert.deepEqual((await readLines(events)).slice(4), [
    "stop web",
    "stop db",
  ]);
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
