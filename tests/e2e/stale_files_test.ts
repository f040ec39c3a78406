import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readBootId,
  readPids,
  startSleeper,
  statusJson,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/**
 * Leaves the files of a dead supervisor and service whose PID now belongs
 * to `pid`, an unrelated live process: supervisor.pid, web.pid, and a
 * state.json record with that PID but another start time.
 */
async function writeStaleFiles(ws: TempWorkspace, pid: number): Promise<void> {
  const run = ws.path(".tend/run");
  await Deno.mkdir(run, { recursive: true });
  await Deno.chmod(run, 0o700);
  const write = (name: string, text: string) =>
    Deno.writeTextFile(`${run}/${name}`, text, { mode: 0o600 });
  await write("supervisor.pid", `${pid}\n`);
  await write("web.pid", `${pid}\n`);
  const state = {
    version: 1,
    services: {
      web: {
        desired: "running",
        identity: { pid, startTicks: 1, bootId: await readBootId() },
        port: null,
        startedAt: null,
        restarts: 0,
        lastExit: null,
        fingerprint: null,
      },
    },
  };
  await write("state.json", JSON.stringify(state, null, 2) + "\n");
}

/** The pid of the one `started "web" (pid N)` line. */
function startedPid(stderr: string): number {
  return Number(/^started "web" \(pid (\d+)\)\n$/.exec(stderr)?.[1]);
}

Deno.test("tend status reports PID files and state naming an unrelated live process as stale", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    fixtureService("web", ["--marker", ws.path("web.marker")]),
  );
  await using sleeper = await startSleeper(ws.path("sleeper.pid"));
  await writeStaleFiles(ws, sleeper.pid);

  const json = await tend(ws, ["status", "--json"]);
  assertRun(json, { code: 3, stdout: /^\{/, stderr: "" });
  const status = JSON.parse(json.stdout);
  assert.equal(status.supervisor.status, "stale");
  assert.equal(status.supervisor.pid, sleeper.pid);
  assert.equal(status.services[0].name, "web");
  assert.equal(status.services[0].status, "stale");
  assert.equal(status.services[0].pid, sleeper.pid);

  assertRun(await tend(ws, ["status"]), {
    code: 3,
    stdout: new RegExp(
      `^workspace: [^\\n]*\\nsupervisor: stale[^\\n]*\\n[^]*\\nweb +stale +${sleeper.pid} `,
    ),
    stderr: "",
  });
  assert.ok(isAlive(sleeper.pid), "status signalled the unrelated process");
});

Deno.test("tend stop and start never signal an unrelated process named by stale files", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  await using sleeper = await startSleeper(ws.path("sleeper.pid"));
  await writeStaleFiles(ws, sleeper.pid);

  assertRun(await tend(ws, ["stop"]), {
    code: 0,
    stdout: '"web" is not running\n',
    stderr: "",
  });
  assert.ok(isAlive(sleeper.pid), "stop signalled the unrelated process");

  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = startedPid(start.stdout);
  assert.notEqual(pid, sleeper.pid);
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "web to write its marker",
  });
  assert.deepEqual(await readPids(marker), [pid]);
  assert.ok(isAlive(sleeper.pid), "start signalled the unrelated process");

  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "running");
  assert.notEqual(status.supervisor.pid, sleeper.pid);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.pid]),
    [["web", "running", pid]],
  );
  assert.deepEqual(await readPids(ws.path(".tend/run/supervisor.pid")), [
    status.supervisor.pid,
  ]);
});

Deno.test("tend start over stale files runs a new copy and leaves the unrelated process alone", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  await using sleeper = await startSleeper(ws.path("sleeper.pid"));
  await writeStaleFiles(ws, sleeper.pid);

  const start = await tend(ws, ["start"]);
  // The new supervisor may revive "web" itself (its record wants it
  // running) before the CLI asks: either report is right, one copy is not.
  assertRun(start, {
    code: 0,
    stdout: /^(started "web"|"web" is already running) \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = Number(/\(pid (\d+)\)/.exec(start.stdout)![1]);
  assert.notEqual(pid, sleeper.pid);
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "web to write its marker",
  });
  assert.deepEqual(await readPids(marker), [pid]);
  assert.ok(isAlive(sleeper.pid), "start signalled the unrelated process");
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.pid]),
    [["web", "running", pid]],
  );
  assert.deepEqual(await readPids(ws.path(".tend/run/web.pid")), [pid]);
});

Deno.test("a config.json edited into other JSON that keeps the text is not taken: status, start and down read tend.toml", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  const quiet = { code: 0, stdout: "", stderr: "" };
  assertRun(await tend(ws, ["start", "--quiet"]), quiet);
  assertRun(await tend(ws, ["down", "--quiet"]), quiet);
  const cache = ws.path(".tend/run/config.json");
  const checked = JSON.parse(await Deno.readTextFile(cache));
  checked.config.services = [{}];
  await Deno.writeTextFile(cache, JSON.stringify(checked), { mode: 0o600 });

  const offline = await statusJson(ws);
  assert.deepEqual(offline.services.map((s) => s.name), ["web"]);
  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = Number(/\(pid (\d+)\)/.exec(start.stdout)![1]);
  await waitFor(async () => (await readPids(marker)).includes(pid), {
    message: "web to write its marker",
  });
  assertRun(await tend(ws, ["down"]), {
    code: 0,
    stdout: /stopped "web"/,
    stderr: /.*/,
  });
  assert.ok(!isAlive(pid), "down left web running");
});
