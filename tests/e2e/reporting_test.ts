/**
 * Every command reports what it did, and only success exits 0: start,
 * restart and reload report each service's outcome (failures included),
 * and `status` fails only for services that should run.
 */
import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  statusJson,
  supervisorPid,
  taggedProcesses,
  tend,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";
import type { ActionResponse, ReloadResponse } from "../../src/ipc/protocol.ts";

/** A service that prints `say` then exits 3 before it is ever ready. */
function failing(name: string, say: string): string {
  return fixtureService(
    name,
    ["--say", say, "--exit", "3", "--after", "100"],
    // No retries before readiness: this is about what start reports.
    'ready = { log = "never-printed" }\nrestart = "never"',
  );
}

Deno.test("tend restart with nothing running reports each service it starts", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("a", ["--marker", marker]) +
      fixtureService("b", ["--marker", marker]),
  );
  assertRun(await tend(ws, ["restart"]), {
    code: 0,
    stdout: /^started "a" \(pid \d+\)\nstarted "b" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitFor(async () => (await readPids(marker)).length === 2);
  assertRun(await tend(ws, ["stop"]), {
    code: 0,
    stdout: 'stopped "b"\nstopped "a"\n',
    stderr: "",
  });
  const json = await tend(ws, ["restart", "--json"]);
  assertRun(json, { code: 0, stdout: /^\{/, stderr: "" });
  const { results } = JSON.parse(json.stdout) as ActionResponse;
  assert.deepEqual(results.map((r) => [r.name, r.action]), [
    ["a", "started"],
    ["b", "started"],
  ]);
  // Started is up for min_ready (100 ms): the markers may come later.
  await waitForLines(marker, 4);
  assert.equal((await readPids(marker)).length, 4, "both ran twice");
});

Deno.test("tend start reports every failing service with its log, and the ones it started", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    failing("bad1", "boom one") + fixtureService("good") +
      failing("bad2", "boom two"),
  );
  const human = await tend(ws, ["start"]);
  assertRun(human, {
    code: 1,
    stdout: /^started "good" \(pid \d+\)\n$/,
    stderr:
      /^error: Cannot start "bad1": exited with code 3[^]*boom one[^]*error: Cannot start "bad2": exited with code 3[^]*boom two[^]*hint: See the whole log with "tend logs bad2"\n$/,
  });

  const json = await tend(ws, ["start", "--json"]);
  assertRun(json, { code: 1, stdout: /^\{/, stderr: "" });
  const { results } = JSON.parse(json.stdout) as ActionResponse;
  assert.deepEqual(results.map((r) => [r.name, r.action]), [
    ["bad1", "failed"],
    ["good", "already-running"],
    ["bad2", "failed"],
  ]);
  assert.match(results[0]!.error?.logTail ?? "", /boom one/);
  assert.match(results[2]!.error?.logTail ?? "", /boom two/);
  assert.equal(results[2]!.error?.code, "START_FAILED");
  assert.ok(isAlive(results[1]!.service.pid!), "good runs");
});

Deno.test("tend start of a service the supervisor just revived says so", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("a", ["--marker", marker], 'restart_delay = "50ms"'),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "a" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitForLines(marker, 1);
  const [first] = await readPids(marker);
  Deno.kill(first!, "SIGKILL");
  const revived = await waitForService(
    ws,
    "a",
    (s) => s.status === "running" && s.pid !== first,
    { message: '"a" to be restarted' },
  );
  assertRun(await tend(ws, ["start", "a"]), {
    code: 0,
    stdout: new RegExp(
      `^"a" was restarted by the supervisor \\d+(\\.\\d)? (s|min) ago \\(pid ${revived.pid}\\)\\n$`,
    ),
    stderr: "",
  });

  // RESTARTS and LAST EXIT describe the run: an automatic restart keeps
  // them, a user's start begins a new run.
  assert.equal(revived.restarts, 1, JSON.stringify(revived));
  assert.equal(revived.lastExit?.signal, "SIGKILL", JSON.stringify(revived));
  assertRun(await tend(ws, ["restart", "a"]), {
    code: 0,
    stdout: /^restarted "a" \(pid \d+\)\n$/,
    stderr: "",
  });
  const fresh = (await statusJson(ws)).services[0]!;
  assert.equal(fresh.restarts, 0, JSON.stringify(fresh));
  assert.equal(fresh.lastExit, null, JSON.stringify(fresh));
  assertRun(await tend(ws, ["start", "a"]), {
    code: 0,
    stdout: `"a" is already running (pid ${fresh.pid})\n`,
    stderr: "",
  });
});

Deno.test("tend start with nothing to start says so and launches no supervisor", async (t) => {
  await using ws = await makeTempWorkspace();
  await t.step("no services", async () => {
    await ws.writeConfig("");
    assertRun(await tend(ws, ["start"]), {
      code: 0,
      stdout: /^nothing to start: /,
      stderr: "",
    });
    assertRun(await tend(ws, ["restart", "--json"]), {
      code: 0,
      stdout: '{\n  "results": []\n}\n',
      stderr: "",
    });
    assert.equal(await supervisorPid(ws), null, "no supervisor was launched");
  });
  await t.step("no autostart service", async () => {
    await ws.writeConfig(fixtureService("manual", [], "autostart = false"));
    assertRun(await tend(ws, ["start"]), {
      code: 0,
      stdout: /^nothing to start: /,
      stderr: "",
    });
    assert.equal(await supervisorPid(ws), null, "no supervisor was launched");
  });
  await t.step("an unknown name", async () => {
    for (const command of ["start", "restart"]) {
      const result = await tend(ws, [command, "nope"]);
      assert.equal(result.code, 4, JSON.stringify(result));
      assert.match(result.stderr, /^error: .*"nope"/);
      assert.equal(await supervisorPid(ws), null, `${command} left one`);
    }
    assert.deepEqual(await taggedProcesses(ws.dir), []);
  });
});

Deno.test("tend reload reports each service's outcome and fails when one failed", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(fixtureService("a"));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "a" \(pid \d+\)\n$/,
    stderr: "",
  });
  await ws.writeConfig(
    fixtureService("a") + fixtureService("b") +
      `[[processes]]
name = "web"
command = "tend-test-no-such-command"
`,
  );
  const human = await tend(ws, ["reload"]);
  assertRun(human, {
    code: 1,
    stdout: /^started "b" \(pid \d+\)\n$/,
    stderr:
      /^added: b, web\nunchanged: a\nerror: Cannot start "web": [^\n]*tend-test-no-such-command/,
  });
  assert.equal(
    (await statusJson(ws)).services.find((s) => s.name === "web")?.status,
    "failed",
  );

  await ws.writeConfig(fixtureService("a"));
  const json = await tend(ws, ["reload", "--json"]);
  assertRun(json, { code: 0, stdout: /^\{/, stderr: "" });
  const reloaded = JSON.parse(json.stdout) as ReloadResponse;
  assert.deepEqual(reloaded.removed, ["b", "web"]);
  assert.deepEqual(
    reloaded.results.map((r) => [r.name, r.action]).sort(),
    [["b", "stopped"], ["web", "already-stopped"]],
  );
});

Deno.test("tend status exits 0 when every service that should run runs", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    fixtureService("a") + fixtureService("manual", [], "autostart = false"),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "a" \(pid \d+\)\n$/,
    stderr: "",
  });
  const all = await tend(ws, ["status"]);
  assert.equal(all.code, 0, JSON.stringify(all));
  assert.match(all.stdout, /manual\s+stopped/);
  assert.equal((await tend(ws, ["status", "manual"])).code, 3);
  assert.equal((await tend(ws, ["status", "a"])).code, 0);
  assertRun(await tend(ws, ["stop", "a"]), {
    code: 0,
    stdout: 'stopped "a"\n',
    stderr: "",
  });
  assert.equal((await tend(ws, ["status"])).code, 3, "a should run");
});
