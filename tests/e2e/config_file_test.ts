/**
 * The file on disk is the truth: start, restart and up apply a changed
 * tend.toml to the services they touch, refuse an invalid one, and status
 * says when the supervisor runs something else.
 */
import assert from "node:assert/strict";
import {
  fixtureService,
  freePort,
  holdPort,
  isAlive,
  makeTempWorkspace,
  readLines,
  type RunResult,
  statusJson,
  supervisorPid,
  tend,
  waitForLines,
} from "../_helpers.ts";
import { assertJsonError, assertJsonFailure, assertRun } from "./_assert.ts";

/** What a run printed, stdout then stderr (results may go to either). */
function printed(result: RunResult): string {
  return result.stdout + result.stderr;
}

/** The one line that says what of the changed file was applied. */
const APPLIED = /^applied the changes of "[^"]*tend\.toml" to (.*)$/m;

Deno.test("tend start applies a service added to tend.toml while the supervisor runs", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const a = fixtureService("a", ["--marker", marker]);
  await ws.writeConfig(a);
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: /^/ });
  // a's line first: ready after min_ready, it may write it later than that
  // on a loaded machine, and then after cron's.
  await waitForLines(marker, 1);
  const supervisor = await supervisorPid(ws);
  assert.equal(await Deno.readTextFile(ws.path(".tend/.gitignore")), "*\n");

  await ws.writeConfig(a + fixtureService("cron", ["--marker", marker]));
  const start = await tend(ws, ["start", "cron"]);
  assert.equal(start.code, 0, JSON.stringify(start));
  assert.equal(APPLIED.exec(printed(start))?.[1], '"cron" (new)');
  assert.match(printed(start), /^started "cron" \(pid \d+\)$/m);
  const lines = await waitForLines(marker, 2);
  assert.match(lines[1]!, / cron$/, "cron really ran");
  assert.equal(await supervisorPid(ws), supervisor, "the same supervisor");
  const cron = (await statusJson(ws)).services.find((s) => s.name === "cron");
  assert.equal(cron?.status, "running");
  assert.equal(cron?.pid, Number(lines[1]!.split(" ")[0]));

  // up -d against the running supervisor applies the file as well.
  await ws.writeConfig(
    a + fixtureService("cron", ["--marker", marker]) +
      fixtureService("late", ["--marker", marker]),
  );
  const up = await tend(ws, ["up", "-d"]);
  assert.equal(up.code, 0, JSON.stringify(up));
  assert.equal(APPLIED.exec(printed(up))?.[1], '"late" (new)');
  assert.match(printed(up), /^started "late" \(pid \d+\)$/m);
  assert.match((await waitForLines(marker, 3))[2]!, / late$/);
});

Deno.test("tend restart and tend start apply a changed port", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const [first, second, third] = [freePort(), freePort(), freePort()];
  const web = (port: number) =>
    fixtureService("web", ["--listen", "--marker", marker], `port = ${port}`);
  await ws.writeConfig(web(first));
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: /^/ });

  await ws.writeConfig(web(second));
  const restart = await tend(ws, ["restart", "web"]);
  assert.equal(restart.code, 0, JSON.stringify(restart));
  assert.equal(APPLIED.exec(printed(restart))?.[1], '"web" (changed)');
  assert.match(
    printed(restart),
    new RegExp(`^restarted "web" \\(pid \\d+, port ${second}\\)$`, "m"),
  );
  assert.match((await waitForLines(marker, 2))[1]!, new RegExp(` ${second} `));

  // start of a running service whose definition changed restarts it.
  await ws.writeConfig(web(third));
  const start = await tend(ws, ["start", "--json"]);
  assertRun(start, { code: 0, stdout: /^\{/, stderr: "" });
  const body = JSON.parse(start.stdout);
  assert.deepEqual(body.applied.changed, ["web"]);
  assert.equal(body.results[0].action, "restarted");
  assert.equal(body.results[0].service.port, third);
  assert.match((await waitForLines(marker, 3))[2]!, new RegExp(` ${third} `));
});

Deno.test('port_strategy = "next" set after a PORT_IN_USE error takes effect on the next start', async () => {
  await using ws = await makeTempWorkspace();
  await using holder = await holdPort("0.0.0.0", freePort());
  const marker = ws.path("marker");
  const other = fixtureService("other", ["--marker", marker]);
  const web = (extra: string) =>
    fixtureService(
      "web",
      ["--listen", "--marker", marker],
      `port = ${holder.port}\n${extra}`,
    );
  await ws.writeConfig(other + web(""));
  assertRun(await tend(ws, ["start", "other"]), {
    code: 0,
    stdout: /^/,
    stderr: /^/,
  });
  assertJsonFailure(await tend(ws, ["start", "web", "--json"]), {
    code: 5,
    errorCode: "PORT_IN_USE",
    message: new RegExp(`port ${holder.port} is in use`),
  });

  await ws.writeConfig(other + web('port_strategy = "next"'));
  const start = await tend(ws, ["start", "web"]);
  assert.equal(start.code, 0, JSON.stringify(start));
  const port = Number(/port (\d+)[ )]/.exec(printed(start))?.[1]);
  assert.ok(port > holder.port, `port ${port} is not after ${holder.port}`);
  const lines = await waitForLines(marker, 2);
  assert.match(lines[1]!, new RegExp(` ${port} web$`), "web really ran");
  assert.ok(isAlive(holder.pid), "the holder was disturbed");
});

Deno.test("an invalid tend.toml makes start and restart fail with CONFIG_INVALID and changes nothing", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const valid = fixtureService("a", ["--marker", marker]) +
    fixtureService("b", ["--marker", marker], "autostart = false");
  await ws.writeConfig(valid);
  assertRun(await tend(ws, ["start", "a"]), {
    code: 0,
    stdout: /^/,
    stderr: /^/,
  });
  const [a] = (await statusJson(ws)).services;

  await ws.writeConfig(valid.replace("command =", "comand ="));
  for (
    const args of [["start"], ["start", "b"], ["restart"], ["restart", "a"]]
  ) {
    assertJsonError(await tend(ws, [...args, "--json"]), {
      code: 4,
      errorCode: "CONFIG_INVALID",
      message: /^Cannot load config "[^"]*tend\.toml": .*comand/,
    });
  }
  const after = await statusJson(ws);
  assert.equal(after.services[0]?.pid, a?.pid, "a kept its process");
  assert.ok(isAlive(a!.pid!));
  assert.equal(after.services[1]?.status, "stopped", "b did not start");
  await waitForLines(marker, 1); // a's, which may come after its start
  assert.equal((await readLines(marker)).length, 1, "nothing else ran");
});

Deno.test("tend status names the services that differ from the file, and says when the file is invalid", async () => {
  await using ws = await makeTempWorkspace();
  const service = (name: string, say = "v1") =>
    fixtureService(name, ["--say", say]);
  await ws.writeConfig(service("a") + service("b") + service("c"));
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: /^/ });
  assertRun(await tend(ws, ["status"]), { code: 0, stdout: /^/, stderr: "" });

  await ws.writeConfig(service("a") + service("b", "v2") + service("d"));
  const status = await tend(ws, ["status"]);
  assertRun(status, {
    code: 0,
    stdout: /NAME/,
    stderr:
      /^"[^"]*tend\.toml" differs from what the supervisor runs: new "d"; changed "b"; removed "c" \(.*tend reload.*\)\n$/,
  });
  const json = await statusJson(ws);
  assert.deepEqual(json.configDrift, {
    file: ws.path("tend.toml"),
    added: ["d"],
    removed: ["c"],
    changed: ["b"],
    error: null,
  });

  await ws.writeConfig("[[processes]]\nname = 1\n");
  const invalid = await tend(ws, ["status"]);
  assertRun(invalid, {
    code: 0,
    stdout: /NAME/,
    stderr:
      /^Cannot load config "[^"]*tend\.toml": .* \(the supervisor runs the config it loaded before\)\n$/,
  });
  assert.match((await statusJson(ws)).configDrift?.error ?? "", /name/);

  await ws.writeConfig(service("a") + service("b", "v2") + service("d"));
  assertRun(await tend(ws, ["reload"]), {
    code: 0,
    stdout:
      /^stopped "c"\nrestarted "b" \(pid \d+\)\nstarted "d" \(pid \d+\)\n$/,
    stderr: "added: d\nremoved: c\nchanged: b\nunchanged: a\n",
  });
  assertRun(await tend(ws, ["status"]), { code: 0, stdout: /^/, stderr: "" });
  assert.equal((await statusJson(ws)).configDrift, undefined);
});

Deno.test("a service added to the file but not loaded: stop's hint mentions tend reload", async () => {
  await using ws = await makeTempWorkspace();
  const a = fixtureService("a");
  await ws.writeConfig(a);
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: /^/ });
  await ws.writeConfig(a + fixtureService("cron"));
  assertRun(await tend(ws, ["status", "cron"]), {
    code: 4,
    stdout: "",
    stderr:
      /^error: Cannot show service "cron": the supervisor has not loaded it\nhint: .*"tend start cron" or "tend reload"/,
  });
  assertRun(await tend(ws, ["stop", "cron"]), {
    code: 4,
    stdout: "",
    stderr:
      /^error: Cannot find service "cron" among the services the supervisor runs\nhint: .*"tend start cron" or "tend reload"/,
  });
  // A service removed from the file still runs: start names the way out.
  await ws.writeConfig(fixtureService("cron"));
  assertRun(await tend(ws, ["restart", "a"]), {
    code: 4,
    stdout: "",
    stderr:
      /^error: Cannot find service "a" in "[^"]*tend\.toml"\nhint: "a" still runs from the config loaded before; "tend reload" stops it/,
  });
});

Deno.test("status, logs, stop and down reach a running workspace whose tend.toml is invalid, then gone", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    fixtureService("a", ["--say", "hello-a"]) +
      fixtureService("b", ["--say", "hello-b"]),
  );
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: /^/ });
  const supervisor = (await supervisorPid(ws))!;
  const [a, b] = (await statusJson(ws)).services;
  await waitForLines(ws.path(".tend/log/a.log"), 1);

  await ws.writeConfig("[[processes]]\nname = 1\n");
  assertRun(await tend(ws, ["status"]), {
    code: 0,
    stdout: /^workspace: [^]*\ba\s+running\b/,
    stderr: /Cannot load config/,
  });
  assertRun(await tend(ws, ["logs", "a", "-n", "5"]), {
    code: 0,
    stdout: /^hello-a\n/,
    stderr: /Cannot load config .*; showing the logs in \.tend\/log\n$/,
  });
  const stop = await tend(ws, ["stop", "a"]);
  assert.equal(stop.code, 0, JSON.stringify(stop));
  assert.match(printed(stop), /^stopped "a"$/m);
  assert.ok(!isAlive(a!.pid!), "a was stopped");

  await Deno.remove(ws.path("tend.toml"));
  const status = await tend(ws, ["status", "--json"]);
  assertRun(status, { code: 3, stdout: /^\{/, stderr: "" });
  const body = JSON.parse(status.stdout);
  assert.equal(body.supervisor.pid, supervisor);
  assert.match(body.configDrift.error, /file not found/);
  assertRun(await tend(ws, ["logs", "-n", "1"], { cwd: ws.path(".tend") }), {
    code: 0,
    stdout: /^a \| [^\n]+\nb \| [^\n]+\n$/,
    stderr: /file not found; showing the logs in \.tend\/log\n$/,
  });
  assertJsonError(await tend(ws, ["start", "a", "--json"]), {
    code: 4,
    errorCode: "CONFIG_INVALID",
    message: /file not found/,
  });
  const down = await tend(ws, ["down"]);
  assert.equal(down.code, 0, JSON.stringify(down));
  assert.match(printed(down), /^stopped "b"$/m);
  assert.ok(!isAlive(b!.pid!), "b was stopped");
  assert.ok(!isAlive(supervisor), "the supervisor exited");
});

Deno.test("concurrent starts of a service added to the file run one copy of it", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const a = fixtureService("a", ["--marker", marker]);
  await ws.writeConfig(a);
  assertRun(await tend(ws, ["start"]), { code: 0, stdout: /^/, stderr: /^/ });
  await ws.writeConfig(a + fixtureService("cron", ["--marker", marker]));
  const runs = await Promise.all(
    Array.from({ length: 6 }, () => tend(ws, ["start", "cron", "--json"])),
  );
  const bodies = runs.map((run) => {
    assertRun(run, { code: 0, stdout: /^\{/, stderr: "" });
    return JSON.parse(run.stdout);
  });
  const applied = bodies.filter((body) => body.applied !== undefined);
  assert.equal(applied.length, 1, "the file was applied once");
  assert.deepEqual(applied[0].applied.added, ["cron"]);
  const pids = new Set(bodies.map((body) => body.results[0].service.pid));
  assert.equal(pids.size, 1, `one cron: ${[...pids]}`);
  const lines = await waitForLines(marker, 2);
  assert.equal(lines.filter((line) => line.endsWith(" cron")).length, 1);
});
