import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  statusJson,
  supervisorPid,
  type TempWorkspace,
  tend,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";
import { assertHumanError, assertJsonError, assertRun } from "./_assert.ts";
import type { ReloadResponse } from "../../src/ipc/protocol.ts";

/** The pids of every running service, by name. */
async function runningPids(ws: TempWorkspace): Promise<Map<string, number>> {
  const pids = new Map<string, number>();
  for (const service of (await statusJson(ws)).services) {
    if (service.status === "running") pids.set(service.name, service.pid!);
  }
  return pids;
}

/** The pid on the last marker line of service `name`. */
async function lastMarkerPid(marker: string, name: string): Promise<number> {
  const lines = (await readLines(marker)).filter((l) => l.endsWith(` ${name}`));
  return Number(lines.at(-1)?.split(" ")[0]);
}

Deno.test("tend reload starts added, stops removed, restarts changed and keeps unchanged services", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const service = (name: string, say = "v1") =>
    fixtureService(name, ["--marker", marker, "--say", say]);
  await ws.writeConfig(
    service("a") + service("b") + service("c") + service("d"),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^(started "[abcd]" \(pid \d+\)\n){4}$/,
    stderr: "",
  });
  const before = await runningPids(ws);
  assert.deepEqual([...before.keys()], ["a", "b", "c", "d"]);
  assert.equal((await waitForLines(marker, 4)).length, 4);
  const supervisor = await supervisorPid(ws);

  // a changes a policy field only: that takes effect at its next exit.
  await ws.writeConfig(
    service("a") + 'restart_delay = "1s"\n' + service("c", "v2") +
      service("d") + service("e"),
  );
  const reload = await tend(ws, ["reload", "--json"]);
  assertRun(reload, { code: 0, stdout: /^\{/, stderr: "" });
  const { results, ...diff } = JSON.parse(reload.stdout) as ReloadResponse;
  assert.deepEqual(diff, {
    added: ["e"],
    removed: ["b"],
    changed: ["c"],
    unchanged: ["a", "d"],
  });
  assert.deepEqual(
    results.map((r) => [r.name, r.action]),
    [["b", "stopped"], ["c", "restarted"], ["e", "started"]],
  );

  const after = await runningPids(ws);
  assert.deepEqual([...after.keys()], ["a", "c", "d", "e"]);
  await waitForLines(marker, 6);
  assert.equal(after.get("a"), before.get("a"), "a kept its pid");
  assert.equal(after.get("d"), before.get("d"), "d kept its pid");
  assert.notEqual(after.get("c"), before.get("c"), "c was restarted");
  assert.equal(after.get("c"), await lastMarkerPid(marker, "c"));
  assert.equal(after.get("e"), await lastMarkerPid(marker, "e"));
  assert.ok(!isAlive(before.get("b")!), "b was stopped");
  assert.ok(!isAlive(before.get("c")!), "the old c was stopped");
  assert.equal((await readLines(marker)).length, 6, "only c and e started");
  assert.equal(await supervisorPid(ws), supervisor);
  const log = await Deno.readTextFile(ws.path(".tend/log/c.log"));
  assert.match(log, /^v1\n[^]*\nv2\n/, "the new c runs the new args");

  // A reload without changes prints, for people, what stayed.
  assertRun(await tend(ws, ["reload"]), {
    code: 0,
    stdout: "",
    stderr: "unchanged: a, c, d, e\n",
  });
  assert.deepEqual(await runningPids(ws), after);
});

Deno.test("SIGHUP to the supervisor applies a changed tend.toml", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("a", ["--marker", marker]) +
      fixtureService("b", ["--marker", marker, "--say", "v1"]),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "a" \(pid \d+\)\nstarted "b" \(pid \d+\)\n$/,
    stderr: "",
  });
  const before = await runningPids(ws);
  const supervisor = (await supervisorPid(ws))!;

  await ws.writeConfig(
    fixtureService("a", ["--marker", marker]) +
      fixtureService("b", ["--marker", marker, "--say", "v2"]) +
      fixtureService("c", ["--marker", marker]),
  );
  Deno.kill(supervisor, "SIGHUP");
  await waitFor(async () => (await readLines(marker)).length === 4, {
    message: "the reload to start the new b and c",
  });
  const c = await waitForService(ws, "c", (s) => s.status === "running");
  assert.equal(c.pid, await lastMarkerPid(marker, "c"));
  const b = await waitForService(ws, "b", (s) => s.status === "running");
  assert.equal(b.pid, await lastMarkerPid(marker, "b"));
  assert.notEqual(b.pid, before.get("b"));
  assert.ok(!isAlive(before.get("b")!));
  const after = await runningPids(ws);
  assert.equal(after.get("a"), before.get("a"), "a kept its pid");
  assert.ok(isAlive(supervisor), "SIGHUP does not end the supervisor");
  assert.equal(await supervisorPid(ws), supervisor);
});

Deno.test("tend reload and SIGHUP with an invalid tend.toml change nothing", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const valid = fixtureService("a", ["--marker", marker]) +
    fixtureService("b", ["--marker", marker]);
  await ws.writeConfig(valid);
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "a" \(pid \d+\)\nstarted "b" \(pid \d+\)\n$/,
    stderr: "",
  });
  const before = await runningPids(ws);
  const supervisor = (await supervisorPid(ws))!;

  await ws.writeConfig(
    fixtureService("a", ["--marker", marker], 'port = "abc"'),
  );
  assertHumanError(await tend(ws, ["reload"]), {
    code: 4,
    message: /^Cannot load config "[^"]*tend\.toml": .*port must be/,
  });
  assertJsonError(await tend(ws, ["reload", "--json"]), {
    code: 4,
    errorCode: "CONFIG_INVALID",
    message: /port must be/,
  });
  for (const [name, pid] of before) assert.ok(isAlive(pid), `${name} died`);

  Deno.kill(supervisor, "SIGHUP");
  const logFile = ws.path(".tend/log/tend.log");
  await waitFor(
    async () => (await Deno.readTextFile(logFile)).includes("reload failed"),
    { message: `"reload failed" in ${logFile}` },
  );
  assert.ok(isAlive(supervisor), "the supervisor survived the bad SIGHUP");
  for (const [name, pid] of before) assert.ok(isAlive(pid), `${name} died`);
  assert.equal((await readLines(marker)).length, 2, "nothing restarted");

  await ws.writeConfig(valid);
  assert.deepEqual(await runningPids(ws), before);
  assert.equal(await supervisorPid(ws), supervisor);
});

Deno.test("tend reload refuses a running service's new definition that could not start, and changes nothing", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("a", ["--marker", marker]) +
      fixtureService("b", ["--marker", marker]),
  );
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: "" });
  const before = await runningPids(ws);

  // a moves to a directory that is not there, and c is added.
  const moved = fixtureService(
    "a",
    ["--marker", marker],
    'working_directory = "app"',
  ) + fixtureService("b", ["--marker", marker]) +
    fixtureService("c", ["--marker", marker]);
  await ws.writeConfig(moved);
  assertHumanError(await tend(ws, ["reload"]), {
    code: 1,
    message: new RegExp(
      `^Cannot use working_directory "${ws.path("app")}": it does not exist$`,
    ),
  });
  assert.deepEqual(await runningPids(ws), before, "nothing stopped or added");
  assert.equal((await readLines(marker)).length, 2, "nothing started");
  const status = await statusJson(ws);
  assert.deepEqual(status.services.map((s) => s.name), ["a", "b"]);
  assert.deepEqual(status.configDrift?.changed, ["a"]);
  assert.deepEqual(status.configDrift?.added, ["c"]);

  // Once it exists, the same reload applies.
  await Deno.mkdir(ws.path("app"));
  const reloaded = await tend(ws, ["reload", "--json"]);
  assert.equal(reloaded.code, 0, reloaded.stderr);
  const response = JSON.parse(reloaded.stdout) as ReloadResponse;
  assert.deepEqual(response.changed, ["a"]);
  assert.deepEqual(response.added, ["c"]);
  const after = await runningPids(ws);
  assert.notEqual(after.get("a"), before.get("a"));
  assert.equal(after.get("b"), before.get("b"));
  assert.ok(after.has("c"));
});
