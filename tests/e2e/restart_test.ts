import assert from "node:assert/strict";
import {
  denoFixtureService,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  readPids,
  STAMP_FIXTURE,
  statusJson,
  tend,
  upService,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

Deno.test("tend restarts a service killed with SIGKILL under a new pid", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("always", ["--marker", marker], 'restart = "always"') +
      fixtureService("default", ["--marker", marker]),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "always" \(pid \d+\)\nstarted "default" \(pid \d+\)\n$/,
    stderr: "",
  });
  const before = await statusJson(ws);
  const oldPids = new Map<string, number>();
  for (const service of before.services) {
    assert.equal(service.status, "running");
    assert.equal(service.restarts, 0);
    assert.ok(service.pid !== null);
    oldPids.set(service.name, service.pid);
  }
  assert.deepEqual(
    (await waitForLines(marker, 2)).sort(),
    [
      `${oldPids.get("always")} - always`,
      `${oldPids.get("default")} - default`,
    ].sort(),
  );

  for (const pid of oldPids.values()) Deno.kill(pid, "SIGKILL");
  await waitFor(async () => (await readLines(marker)).length === 4, {
    message: "both services to run again (4 marker lines)",
  });

  const lines = await readLines(marker);
  for (const [name, oldPid] of oldPids) {
    const view = await waitForService(
      ws,
      name,
      (s) => s.status === "running",
      { message: `"${name}" to run again` },
    );
    assert.ok(view.pid !== null && view.pid !== oldPid, JSON.stringify(view));
    assert.ok(lines.includes(`${view.pid} - ${name}`), lines.join("\n"));
    assert.equal(view.restarts, 1, JSON.stringify(view));
    assert.equal(view.lastExit?.signal, "SIGKILL", JSON.stringify(view));
    assert.equal(view.lastExit?.code, null, JSON.stringify(view));
    assert.ok(isAlive(view.pid));
    assert.ok(!isAlive(oldPid), `pid ${oldPid} survived`);
  }
});

/** Start times (ms) recorded by the stamp fixture, one per start. */
async function stamps(file: string): Promise<number[]> {
  return (await readLines(file)).map((line) => Number(line.split(" ")[1]));
}

/**
 * The configured delays before restarts 1 to 4: 100 ms, doubled, capped at
 * 800 ms. Each doubling is hundreds of ms: a loaded machine adds that much
 * to a delay as the supervisor's log dates it, and "they grow" must hold.
 */
const DELAYS_MS = [100, 200, 400, 800];

/**
 * Milliseconds from each exit of "crash" (code 1) to its next restart, from
 * the dated lines of the supervisor's log.
 */
async function exitToRestartMs(logFile: string): Promise<number[]> {
  const exits: number[] = [];
  const restarts: number[] = [];
  for (const line of await readLines(logFile)) {
    const at = Date.parse(line.split(" ")[0]!);
    if (/"crash" pid \d+ .*exited with code 1/.test(line)) exits.push(at);
    else if (/restarting "crash"/.test(line)) restarts.push(at);
  }
  return restarts.map((at, i) => at - exits[i]!);
}

Deno.test("tend gives up on a crashing service after max_restarts restarts with growing delays", async () => {
  await using ws = await makeTempWorkspace();
  const file = ws.path("stamps");
  // Each copy stays up 250 ms (past min_ready), then exits 1.
  await ws.writeConfig(
    denoFixtureService("crash", STAMP_FIXTURE, {
      args: [file, "1", "250"],
      extra: `min_ready = "100ms"
restart_delay = "100ms"
restart_delay_max = "800ms"
max_restarts = 4
restart_window = "60s"`,
    }),
  );
  const first = await tend(ws, ["start"]);
  assertRun(first, {
    code: 0,
    stdout: /^started "crash" \(pid \d+\)\n$/,
    stderr: "",
  });

  const failed = await waitForService(
    ws,
    "crash",
    (s) => s.status === "failed",
    { message: '"crash" to be failed' },
  );
  assert.match(failed.reason ?? "", /max_restarts/, JSON.stringify(failed));
  assert.equal(failed.restarts, 4, JSON.stringify(failed));
  assert.equal(failed.pid, null);
  assert.equal(failed.lastExit?.code, 1, JSON.stringify(failed));
  const times = await stamps(file);
  assert.equal(times.length, 5, `max_restarts + 1 starts: ${times}`);
  // Start to start: 250 ms up, then the delay (100, 200, 400, 800 ms).
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  DELAYS_MS.forEach((delay, i) =>
    assert.ok(gaps[i]! >= 250 + delay, `gap ${i} too short: ${gaps}`)
  );
  // The delays themselves, free of the fixture's start-up time: from each
  // exit to the next restart, as the supervisor's log dates them.
  const logFile = ws.path(".tend/log/tend.log");
  await waitFor(async () => (await exitToRestartMs(logFile)).length === 4, {
    message: `four restarts logged in ${logFile}`,
  });
  const delays = await exitToRestartMs(logFile);
  DELAYS_MS.forEach((delay, i) =>
    assert.ok(delays[i]! >= delay, `delay ${i} too short: ${delays}`)
  );
  assert.ok(delays[0]! < delays[2]!, `delays do not grow: ${delays}`);
  assert.ok(delays[1]! < delays[3]!, `delays do not grow: ${delays}`);

  // `tend start` clears "failed": it runs again, and goes through a whole
  // new round, so no extra start of the first round happened meanwhile.
  const again = await tend(ws, ["start"]);
  assertRun(again, {
    code: 0,
    stdout: /^started "crash" \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = Number(/pid (\d+)/.exec(again.stdout)?.[1]);
  // min_ready counts from the spawn: the stamp may come a little later.
  await waitFor(async () => (await readLines(file)).length >= 6, {
    message: "the sixth start to write its stamp",
  });
  const sixth = (await readLines(file))[5];
  assert.equal(sixth?.split(" ")[0], String(pid), "the sixth start is ours");
  const refailed = await waitForService(
    ws,
    "crash",
    (s) => s.status === "failed",
    { message: '"crash" to fail again' },
  );
  assert.match(refailed.reason ?? "", /max_restarts/);
  assert.equal((await stamps(file)).length, 10, "two bounded rounds of 5");

  // `tend restart` clears it too.
  const restarted = await tend(ws, ["restart", "crash"]);
  assertRun(restarted, {
    code: 0,
    stdout: /^restarted "crash" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitFor(async () => (await readLines(file)).length >= 11, {
    message: "the eleventh start to write its stamp",
  });
  const eleventh = (await readLines(file))[10];
  assert.equal(
    eleventh?.split(" ")[0],
    /pid (\d+)/.exec(restarted.stdout)?.[1],
    "the eleventh start is the restart",
  );
});

Deno.test("tend ends what is left of a dead service's process group before restarting it", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const forked = ws.path("grandchild.pid");
  await ws.writeConfig(
    fixtureService("web", ["--marker", marker, "--fork", forked]),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitFor(async () => (await readPids(forked)).length === 1, {
    message: "the grandchild to write its pid",
  });
  const [grandchild] = await readPids(forked);
  await waitForLines(marker, 1);
  const [pid] = await readPids(marker);
  assert.ok(isAlive(grandchild!) && isAlive(pid!));

  Deno.kill(pid!, "SIGKILL");
  await waitFor(async () => (await readPids(marker)).length === 2, {
    message: "the service to be restarted",
  });
  assert.ok(!isAlive(grandchild!), "the old grandchild outlived the restart");
  const view = await waitForService(ws, "web", (s) => s.status === "running");
  assert.equal(view.pid, (await readPids(marker))[1]);
  assert.equal(view.lastExit?.signal, "SIGKILL");
});

Deno.test("tend counts only the restarts within restart_window toward max_restarts", async () => {
  await using ws = await makeTempWorkspace();
  const file = ws.path("stamps");
  // A restart every ~0.75 s or more: never 2 within 1 s.
  await ws.writeConfig(
    denoFixtureService("slowcrash", STAMP_FIXTURE, {
      args: [file, "1", "600"],
      extra: `min_ready = "100ms"
restart_delay = "50ms"
restart_delay_max = "100ms"
max_restarts = 2
restart_window = "1s"`,
    }),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "slowcrash" \(pid \d+\)\n$/,
    stderr: "",
  });
  const seen = new Set<string>();
  const view = await waitForService(ws, "slowcrash", (s) => {
    seen.add(s.status);
    return s.restarts >= 4 || s.status === "failed";
  }, { message: '"slowcrash" to restart 4 times' });
  assert.notEqual(view.status, "failed", JSON.stringify(view));
  assert.ok(!seen.has("failed"), `states seen: ${[...seen]}`);
  await waitFor(async () => (await readLines(file)).length >= 5, {
    message: "the fifth start to write its stamp",
  });
});

Deno.test("tend restart refuses a service whose working directory is gone, and keeps it and its dependents running", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.mkdir(ws.path("app"));
  await ws.writeConfig(
    upService("api", 'working_directory = "app"') +
      upService("web", 'depends_on = ["api"]'),
  );
  assertRun(await tend(ws, ["start"]), { code: 0, stderr: "", stdout: /^/ });
  const pidsOf = async () =>
    Object.fromEntries(
      (await statusJson(ws)).services.map((s) => [s.name, s.pid]),
    );
  const before = await pidsOf();
  assert.equal(typeof before.api, "number");
  assert.equal(typeof before.web, "number");

  // The process keeps its deleted directory; a new one could not start.
  await Deno.remove(ws.path("app"));
  assertRun(await tend(ws, ["restart", "api"]), {
    code: 1,
    stdout: "",
    stderr: new RegExp(
      `^error: Cannot use working_directory "${
        ws.path("app")
      }": it does not exist\\n`,
    ),
  });
  assert.deepEqual(await pidsOf(), before);
  for (const pid of Object.values(before)) assert.ok(isAlive(Number(pid)));
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});

Deno.test("tend restart and start refuse an edited definition that could not start, and leave it unapplied", async () => {
  await using ws = await makeTempWorkspace();
  const config = (extra: string) => upService("api", extra);
  await ws.writeConfig(config(""));
  assertRun(await tend(ws, ["start"]), { code: 0, stderr: "", stdout: /^/ });
  const before = (await statusJson(ws)).services[0]?.pid;
  assert.equal(typeof before, "number");

  await ws.writeConfig(config('env_file = ".env"'));
  const refused = {
    code: 4,
    stdout: "",
    stderr: /^error: Cannot read env_file ".*" of "api": it does not exist\n/,
  };
  assertRun(await tend(ws, ["restart", "api"]), refused);
  assertRun(await tend(ws, ["start", "api"]), refused);
  const status = await statusJson(ws);
  assert.equal(status.services[0]?.pid, before);
  assert.equal(status.services[0]?.status, "running");
  // Not applied: the file still differs from what the supervisor runs.
  assert.deepEqual(status.configDrift?.changed, ["api"]);

  await Deno.writeTextFile(ws.path(".env"), "A=1\n");
  assertRun(await tend(ws, ["restart", "api"]), {
    code: 0,
    stderr: /^applied the changes of ".*" to "api" \(changed\)\n$/,
    stdout: /^restarted "api"/,
  });
  assert.notEqual((await statusJson(ws)).services[0]?.pid, before);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});

Deno.test("tend restart of everything still restarts what runs when a failed service could not start", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.mkdir(ws.path("app"));
  await ws.writeConfig(`${upService("api")}
[[processes]]
name = "job"
command = "sh"
args = ["-c", "exec sleep 300"]
working_directory = "app"
restart = "never"
`);
  assertRun(await tend(ws, ["start"]), { code: 0, stderr: "", stdout: /^/ });
  const before = await statusJson(ws);
  const api = before.services.find((s) => s.name === "api")?.pid;
  const job = before.services.find((s) => s.name === "job")?.pid;
  assert.ok(typeof api === "number" && typeof job === "number");

  // job's directory goes, then job itself: it stays failed, with nothing to lose.
  await Deno.remove(ws.path("app"));
  Deno.kill(job, "SIGKILL");
  await waitForService(ws, "job", (s) => s.status !== "running");

  const restarted = await tend(ws, ["restart"]);
  assert.equal(restarted.code, 1, restarted.stderr);
  assert.match(restarted.stdout, /^restarted "api"/m);
  assert.match(
    restarted.stderr,
    /cannot use working_directory/i,
  );
  const after = await statusJson(ws);
  const apiAfter = after.services.find((s) => s.name === "api");
  assert.equal(apiAfter?.status, "running");
  assert.notEqual(apiAfter?.pid, api, "api was restarted");
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});
