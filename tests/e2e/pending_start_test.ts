import assert from "node:assert/strict";
import {
  denoFixtureService,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  NOTE_STOP_FIXTURE,
  readLines,
  readPids,
  spawnTend,
  statusJson,
  tend,
  waitFor,
  waitForService,
} from "../_helpers.ts";

/**
 * How long a cancelled start may take: far less than the readiness timeout
 * (what a start that was not cancelled waits for), far more than a CLI run
 * on a loaded machine.
 */
const PROMPT_MS = 30_000;

/** A service that writes its pid to `marker` and is never ready. */
function neverReady(name: string, marker: string): string {
  return fixtureService(
    name,
    ["--marker", marker],
    `ready = { log = "never-printed" }
ready_timeout = "120s"`,
  );
}

/** Collects a spawned tend's exit and output. */
async function outcome(child: Deno.ChildProcess) {
  const output = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return {
    code: output.code,
    stdout: decode(output.stdout),
    stderr: decode(output.stderr),
  };
}

Deno.test("tend stop cancels a start that waits for its readiness, at once", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const marker = ws.path("marker");
  await ws.writeConfig(neverReady("web", marker));
  const starting = outcome(spawnTend(ws, ["start"]));
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "web to be spawned",
  });
  const [pid] = await readPids(marker);
  const began = Date.now();
  const stopped = await tend(ws, ["stop", "web"]);
  const took = Date.now() - began;
  assert.equal(stopped.code, 0, JSON.stringify(stopped));
  assert.match(stopped.stdout + stopped.stderr, /stopped "web"/);
  assert.ok(took < PROMPT_MS, `stop took ${took} ms`);
  const started = await starting;
  assert.equal(started.code, 1, JSON.stringify(started));
  assert.match(
    started.stderr,
    /error: Cannot start "web": a stop cancelled the start/,
  );
  assert.ok(!isAlive(pid!), "the service was ended");
  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "stopped", JSON.stringify(view));
});

Deno.test("tend stop of a service whose start waits for a dependency cancels it: it never starts", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const events = ws.path("events");
  // db becomes ready once the stop is done (a fixed delay could pass before
  // a loaded machine has run "tend stop", and web would start).
  const gate = ws.path("db.gate");
  await ws.writeConfig(
    denoFixtureService("web", NOTE_STOP_FIXTURE, {
      args: [events],
      extra: `depends_on = ["db"]
ready = { log = "ready web" }`,
    }) +
      denoFixtureService("db", NOTE_STOP_FIXTURE, {
        args: [events, `gate:${gate}`],
        extra: 'ready = { log = "ready db" }',
      }),
  );
  const starting = outcome(spawnTend(ws, ["start", "web"]));
  await waitFor(async () => (await readLines(events)).includes("start db"), {
    message: "db to be spawned",
  });
  const stopped = await tend(ws, ["stop", "web"]);
  assert.equal(stopped.code, 0, JSON.stringify(stopped));
  await Deno.writeTextFile(gate, "");
  const started = await starting;
  assert.equal(started.code, 1, JSON.stringify(started));
  assert.match(started.stderr, /Cannot start "web": a stop cancelled/);
  // db's start goes on: once it is ready, web still has not started.
  await waitForService(ws, "db", (s) => s.status === "running", {
    message: "db to be ready",
  });
  const lines = await readLines(events);
  assert.ok(lines.includes("ready db"), lines.join(", "));
  assert.ok(!lines.includes("start web"), `web started: ${lines.join(", ")}`);
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["web", "stopped"], ["db", "running"]],
  );
});

Deno.test("tend down cancels a start that waits for readiness, at once", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const marker = ws.path("marker");
  await ws.writeConfig(neverReady("web", marker));
  const starting = outcome(spawnTend(ws, ["start"]));
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "web to be spawned",
  });
  const [pid] = await readPids(marker);
  const began = Date.now();
  const down = await tend(ws, ["down"]);
  const took = Date.now() - began;
  assert.equal(down.code, 0, JSON.stringify(down));
  assert.ok(took < PROMPT_MS, `down took ${took} ms`);
  const started = await starting;
  assert.equal(started.code, 1, JSON.stringify(started));
  assert.match(started.stderr, /START_CANCELLED|a stop cancelled the start/);
  assert.ok(!isAlive(pid!), "the service was ended");
  assert.equal((await statusJson(ws)).supervisor.status, "stopped");
});

Deno.test("Ctrl-C of a foreground tend up cancels a start that waits for readiness", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const marker = ws.path("marker");
  await ws.writeConfig(neverReady("web", marker));
  const up = spawnTend(ws, ["up"]);
  const ended = outcome(up);
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "web to be spawned",
  });
  const [pid] = await readPids(marker);
  const began = Date.now();
  up.kill("SIGINT");
  const result = await ended;
  const took = Date.now() - began;
  assert.ok(took < PROMPT_MS, `up took ${took} ms to exit`);
  assert.equal(result.code, 0, JSON.stringify(result));
  assert.ok(!isAlive(pid!), "the service was ended");
});
