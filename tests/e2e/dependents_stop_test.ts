import assert from "node:assert/strict";
import {
  denoFixtureService,
  makeTempWorkspace,
  NOTE_STOP_FIXTURE,
  readLines,
  statusJson,
  tend,
} from "../_helpers.ts";

/** redis, web (depends on redis) and docs (independent), noting their lives in `events`. */
function config(events: string): string {
  const noter = (name: string, extra = "") =>
    denoFixtureService(name, NOTE_STOP_FIXTURE, {
      args: [events],
      extra: `ready = { log = "ready ${name}" }\n${extra}`,
    });
  return noter("web", 'depends_on = ["redis"]') + noter("redis") +
    noter("docs");
}

Deno.test("tend stop NAME stops the running services that depend on it first, and says so", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const events = ws.path("events");
  await ws.writeConfig(config(events));
  assert.equal((await tend(ws, ["start"])).code, 0);
  const before = (await readLines(events)).length;

  const stopped = await tend(ws, ["stop", "redis"]);
  assert.equal(stopped.code, 0, JSON.stringify(stopped));
  assert.equal(
    stopped.stdout + stopped.stderr,
    'stopped "web" (depends on "redis")\nstopped "redis"\n',
  );
  assert.deepEqual((await readLines(events)).slice(before), [
    "stop web",
    "stop redis",
  ]);
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["web", "stopped"], ["redis", "stopped"], ["docs", "running"]],
  );

  const json = await tend(ws, ["stop", "redis", "--json"]);
  assert.deepEqual(
    JSON.parse(json.stdout).results.map((r: { name: string }) => r.name),
    ["redis"],
    "a stopped dependent is not stopped again",
  );
});

Deno.test("tend restart NAME restarts the services that depend on it once it is ready", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const events = ws.path("events");
  await ws.writeConfig(config(events));
  assert.equal((await tend(ws, ["start"])).code, 0);
  const before = (await readLines(events)).length;

  const restarted = await tend(ws, ["restart", "redis"]);
  assert.equal(restarted.code, 0, JSON.stringify(restarted));
  assert.match(
    restarted.stdout + restarted.stderr,
    /^restarted "redis" \(pid \d+\)\nrestarted "web" \(pid \d+; depends on "redis"\)\n$/,
  );
  assert.deepEqual((await readLines(events)).slice(before), [
    "stop web",
    "stop redis",
    "start redis",
    "ready redis",
    "start web",
    "ready web",
  ]);
  const status = await statusJson(ws);
  assert.ok(status.services.every((s) => s.status === "running"));
});
