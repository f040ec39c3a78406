import assert from "node:assert/strict";
import type { ActionResponse } from "../../src/ipc/protocol.ts";
import {
  denoFixtureService,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  readPids,
  SLOW_READY_FIXTURE,
  spawnTend,
  statusJson,
  supervisorPid,
  tend,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Parses the output of a background `tend … --json` once it exits. */
async function finished(
  child: Deno.ChildProcess,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("tend status shows starting until the ready check passes, then running", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  // It becomes ready once the test has seen it starting (a fixed delay
  // could pass before a loaded machine gets a status out).
  const gate = ws.path("ready.gate");
  await ws.writeConfig(
    denoFixtureService("slow", SLOW_READY_FIXTURE, {
      args: [marker, `gate:${gate}`],
      extra: 'ready = { log = "ready-now" }',
    }),
  );
  const start = spawnTend(ws, ["start", "--json"]);
  const done = finished(start);
  try {
    const starting = await waitForService(
      ws,
      "slow",
      (s) => s.status === "starting" && s.pid !== null,
      { message: '"slow" to be starting' },
    );
    await waitFor(async () => (await readPids(marker)).length === 1, {
      message: "the slow service to write its marker",
    });
    assert.deepEqual(await readPids(marker), [starting.pid]);
    assert.equal(starting.restarts, 0);
  } finally {
    await Deno.writeTextFile(gate, "");
    const result = await done;
    assertRun(result, { code: 0, stdout: /^\{/, stderr: "" });
    const response = JSON.parse(result.stdout) as ActionResponse;
    assert.equal(response.results[0]?.action, "started");
    assert.equal(response.results[0]?.service.status, "running");
  }
  const running = (await statusJson(ws)).services[0]!;
  assert.equal(running.status, "running");
  assert.deepEqual(await readPids(marker), [running.pid]);
  const log = await Deno.readTextFile(ws.path(".tend/log/slow.log"));
  assert.match(log, /^ready-now$/m);
});

Deno.test("tend status shows stopping while a service ignores SIGTERM, then stopped", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService(
      "stubborn",
      ["--marker", marker, "--ignore-term"],
      'stop_timeout = "3s"',
    ),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "stubborn" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitForLines(marker, 1);
  const [pid] = await readPids(marker);
  const began = Date.now();
  const stop = spawnTend(ws, ["stop", "--json"]);
  const done = finished(stop);
  try {
    const stopping = await waitForService(
      ws,
      "stubborn",
      (s) => s.status === "stopping",
      { message: '"stubborn" to be stopping' },
    );
    assert.equal(stopping.pid, pid);
    assert.ok(isAlive(pid!), "it still runs while stopping");
  } finally {
    const result = await done;
    assertRun(result, { code: 0, stdout: /^\{/, stderr: "" });
    const response = JSON.parse(result.stdout) as ActionResponse;
    assert.equal(response.results[0]?.action, "stopped");
  }
  assert.ok(Date.now() - began >= 3_000, "SIGKILL came after stop_timeout");
  assert.ok(!isAlive(pid!));
  const stopped = (await statusJson(ws)).services[0]!;
  assert.equal(stopped.status, "stopped");
  assert.equal(stopped.pid, null);
  assert.equal(stopped.lastExit?.signal, "SIGKILL", JSON.stringify(stopped));
});

Deno.test("tend status shows backoff with nextRestartAt between a crash and its restart", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService(
      "flaky",
      ["--marker", marker, "--exit", "1", "--after", "1000"],
      `min_ready = "100ms"
restart_delay = "2s"`,
    ),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "flaky" \(pid \d+\)\n$/,
    stderr: "",
  });
  const backoff = await waitForService(
    ws,
    "flaky",
    (s) => s.status === "backoff",
    { message: '"flaky" to be in backoff' },
  );
  const seenAt = Date.now();
  assert.equal(backoff.pid, null);
  assert.equal(backoff.lastExit?.code, 1, JSON.stringify(backoff));
  assert.match(backoff.nextRestartAt ?? "", ISO_DATE);
  const due = Date.parse(backoff.nextRestartAt!);
  const exitedAt = Date.parse(backoff.lastExit!.at);
  // restart_delay after the exit, counted from a moment between the exit
  // and this status (how long the supervisor took to decide is the load's).
  assert.ok(
    due - exitedAt >= 2_000 && due <= seenAt + 2_000,
    `next try ${due - exitedAt} ms after the exit, ${
      due - seenAt
    } ms after the status that showed it`,
  );
  assert.equal((await readPids(marker)).length, 1, "not restarted yet");

  await waitFor(async () => (await readPids(marker)).length === 2, {
    message: "the restart after the delay",
  });
  assert.ok(Date.now() >= due - 50, "restarted no sooner than nextRestartAt");
  const pids = await readPids(marker);
  const running = await waitForService(
    ws,
    "flaky",
    (s) => s.status === "running",
  );
  assert.equal(running.pid, pids[1]);
  assert.equal(running.restarts, 1);
  assert.equal(running.nextRestartAt, null);
});

Deno.test('tend status shows failed for a restart = "never" service that exits 1', async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService(
      "once",
      ["--marker", marker, "--exit", "1", "--after", "300"],
      `min_ready = "100ms"
restart = "never"`,
    ),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "once" \(pid \d+\)\n$/,
    stderr: "",
  });
  const failed = await waitForService(
    ws,
    "once",
    (s) => s.status === "failed",
    { message: '"once" to be failed' },
  );
  assert.equal(failed.pid, null);
  assert.equal(failed.restarts, 0);
  assert.equal(failed.lastExit?.code, 1, JSON.stringify(failed));
  assert.equal(failed.nextRestartAt, null);
  assert.match(failed.reason ?? "", /exited with code 1/);
  assert.equal((await readLines(marker)).length, 1, "it ran once");
  const result = await tend(ws, ["status"]);
  assertRun(result, {
    code: 3,
    stdout: /\nonce +failed +- /,
    stderr: "",
  });
});

Deno.test("tend status without a supervisor reports a service whose recorded pid died as stale", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitForLines(marker, 1);
  const [pid] = await readPids(marker);
  const supervisor = (await supervisorPid(ws))!;
  Deno.kill(supervisor, "SIGKILL");
  await waitFor(() => !isAlive(supervisor), { message: "supervisor death" });
  Deno.kill(pid!, "SIGKILL");
  await waitFor(() => !isAlive(pid!), { message: "service death" });

  const result = await tend(ws, ["status", "--json"]);
  assertRun(result, { code: 3, stdout: /^\{/, stderr: "" });
  const status = JSON.parse(result.stdout);
  assert.equal(status.supervisor.status, "stale");
  const web = status.services[0];
  assert.equal(web.status, "stale", JSON.stringify(web));
  assert.equal(web.pid, pid);
  assert.match(web.reason, new RegExp(`pid ${pid} is gone`));

  // The next supervisor starts it again.
  const again = await tend(ws, ["start"]);
  assertRun(again, {
    code: 0,
    stdout: /^(started "web"|"web" is already running) \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitForLines(marker, 2);
  const pids = await readPids(marker);
  assert.equal(pids.length, 2);
  const running = (await statusJson(ws)).services[0]!;
  assert.equal(running.status, "running");
  assert.equal(running.pid, pids[1]);
});
