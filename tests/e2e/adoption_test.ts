import assert from "node:assert/strict";
import {
  DAEMONIZE_FIXTURE,
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
import { assertRun } from "./_assert.ts";

const NAMES = ["a", "b", "c"] as const;

/** Three fixture services sharing one marker file; adopted ones are checked every 200 ms. */
async function writeThree(ws: TempWorkspace, marker: string): Promise<void> {
  await ws.writeConfig(
    `[daemon]
check_interval = "200ms"

` + NAMES.map((name) => fixtureService(name, ["--marker", marker])).join(""),
  );
}

/** Starts the three services; returns their pids by name and the supervisor's pid. */
async function startThree(
  ws: TempWorkspace,
  marker: string,
): Promise<{ pids: Map<string, number>; supervisor: number }> {
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout:
      /^started "a" \(pid \d+\)\nstarted "b" \(pid \d+\)\nstarted "c" \(pid \d+\)\n$/,
    stderr: "",
  });
  const status = await statusJson(ws);
  const pids = new Map<string, number>();
  for (const service of status.services) {
    assert.equal(service.status, "running");
    pids.set(service.name, service.pid!);
  }
  assert.deepEqual(
    (await waitForLines(marker, 3)).sort(),
    NAMES.map((name) => `${pids.get(name)} - ${name}`).sort(),
  );
  const supervisor = await supervisorPid(ws);
  assert.ok(supervisor !== null && isAlive(supervisor));
  assert.equal(status.supervisor.pid, supervisor);
  return { pids, supervisor };
}

/** `tend start` against services left running: adopts all three, starts nothing. */
async function startAdopts(
  ws: TempWorkspace,
  pids: Map<string, number>,
): Promise<number> {
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: NAMES.map((name) =>
      `"${name}" is already running (pid ${pids.get(name)})\n`
    ).join(""),
    stderr: "",
  });
  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "running");
  const supervisor = status.supervisor.pid!;
  assert.ok(isAlive(supervisor));
  for (const service of status.services) {
    assert.equal(service.status, "running", JSON.stringify(service));
    assert.equal(service.pid, pids.get(service.name));
  }
  return supervisor;
}

Deno.test("tend start adopts the services of a SIGKILLed supervisor with the same pids and restarts one that dies", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await writeThree(ws, marker);
  const { pids, supervisor } = await startThree(ws, marker);

  Deno.kill(supervisor, "SIGKILL");
  await waitFor(() => !isAlive(supervisor), {
    message: "the supervisor to die",
  });

  const offline = await tend(ws, ["status", "--json"]);
  assertRun(offline, { code: 0, stdout: /^\{/, stderr: "" });
  const report = JSON.parse(offline.stdout);
  assert.equal(report.supervisor.status, "stale");
  assert.equal(report.supervisor.pid, supervisor);
  for (const service of report.services) {
    assert.equal(service.status, "running", JSON.stringify(service));
    assert.equal(service.pid, pids.get(service.name));
    assert.ok(isAlive(service.pid));
  }

  const adopter = await startAdopts(ws, pids);
  assert.notEqual(adopter, supervisor);
  assert.equal(await supervisorPid(ws), adopter);
  assert.equal((await readLines(marker)).length, 3, "no service started twice");

  // An adopted service is not our child: its death is seen by the identity
  // check every check_interval, and the restart policy applies.
  const victim = pids.get("b")!;
  Deno.kill(victim, "SIGKILL");
  await waitFor(async () => (await readLines(marker)).length === 4, {
    message: '"b" to be restarted by the adopting supervisor',
  });
  const fourth = (await readLines(marker))[3]!;
  const [newPid, , name] = fourth.split(" ");
  assert.equal(name, "b");
  const b = await waitForService(ws, "b", (s) => s.status === "running");
  assert.equal(b.pid, Number(newPid));
  assert.notEqual(b.pid, victim);
  assert.equal(b.restarts, 1);
  assert.deepEqual(
    { code: b.lastExit?.code, signal: b.lastExit?.signal },
    { code: null, signal: null },
    "the exit status of an adopted process is unknown",
  );
  const after = await statusJson(ws);
  assert.equal(after.supervisor.pid, adopter);
  for (const other of ["a", "c"]) {
    const view = after.services.find((s) => s.name === other)!;
    assert.equal(view.pid, pids.get(other), "the others were left alone");
  }
});

Deno.test("SIGTERM to a background supervisor leaves its services running and tend start adopts them", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await writeThree(ws, marker);
  const { pids, supervisor } = await startThree(ws, marker);

  Deno.kill(supervisor, "SIGTERM");
  await waitFor(() => !isAlive(supervisor), {
    message: "the supervisor to exit",
  });
  assert.equal(await supervisorPid(ws), null, "supervisor.pid is removed");
  for (const [name, pid] of pids) assert.ok(isAlive(pid), `${name} died`);

  const offline = await tend(ws, ["status", "--json"]);
  assertRun(offline, { code: 0, stdout: /^\{/, stderr: "" });
  const report = JSON.parse(offline.stdout);
  assert.equal(report.supervisor.status, "stopped");
  for (const service of report.services) {
    assert.equal(service.status, "running", JSON.stringify(service));
    assert.equal(service.pid, pids.get(service.name));
  }

  const adopter = await startAdopts(ws, pids);
  assert.notEqual(adopter, supervisor);
  assert.equal((await readLines(marker)).length, 3, "no service started twice");
});

Deno.test("tend start adopts services by their workspace tag when state.json is damaged", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await writeThree(ws, marker);
  const { pids, supervisor } = await startThree(ws, marker);
  Deno.kill(supervisor, "SIGKILL");
  await waitFor(() => !isAlive(supervisor), {
    message: "the supervisor to die",
  });
  await Deno.writeTextFile(ws.path(".tend/run/state.json"), "{ not json");

  const adopter = await startAdopts(ws, pids);
  assert.notEqual(adopter, supervisor);
  assert.equal((await readLines(marker)).length, 3, "no service started twice");
  const aside = (await Array.fromAsync(Deno.readDir(ws.path(".tend/run"))))
    .map((entry) => entry.name)
    .filter((name) => name.startsWith("state.json.corrupt-"));
  assert.equal(aside.length, 1, "the damaged state.json was moved aside");
  assert.equal(
    await Deno.readTextFile(ws.path(`.tend/run/${aside[0]}`)),
    "{ not json",
  );
});

Deno.test("a new supervisor stops a running service that the config no longer lists", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await writeThree(ws, marker);
  const { pids, supervisor } = await startThree(ws, marker);
  Deno.kill(supervisor, "SIGKILL");
  await waitFor(() => !isAlive(supervisor), {
    message: "the supervisor to die",
  });
  await ws.writeConfig(
    `[daemon]
check_interval = "200ms"

` + fixtureService("a", ["--marker", marker]) +
      fixtureService("b", ["--marker", marker]),
  );

  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: `"a" is already running (pid ${pids.get("a")})\n` +
      `"b" is already running (pid ${pids.get("b")})\n`,
    stderr: "",
  });
  assert.ok(!isAlive(pids.get("c")!), "c, no longer listed, was stopped");
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.pid]),
    [["a", "running", pids.get("a")], ["b", "running", pids.get("b")]],
  );
  assert.equal((await readLines(marker)).length, 3, "no service started twice");
});

Deno.test("a daemon a service left behind is an orphan: tend start never adopts it as the service", async () => {
  await using ws = await makeTempWorkspace();
  const daemonFile = ws.path("daemon.pids");
  const marker = ws.path("leaky.marker");
  const argv = ["run", "-A", DAEMONIZE_FIXTURE, "--orphan", daemonFile];
  await ws.writeConfig(`[[processes]]
name = "leaky"
command = ${JSON.stringify(Deno.execPath())}
args = ${JSON.stringify([...argv, "--marker", marker])}
`);
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^started "leaky" \(pid \d+\)\n$/,
  });
  await waitFor(async () => (await readLines(daemonFile)).length === 1, {
    message: "the daemon to start",
  });
  const daemon = Number((await readLines(daemonFile))[0]);
  assertRun(await tend(ws, ["down"]), {
    code: 0,
    stderr: /supervisor stopped/,
    stdout: /stopped/,
  });
  assert.ok(isAlive(daemon), "the daemon left by leaky is gone");

  const dry = await tend(ws, ["cleanup", "--dry-run", "--json"]);
  assertRun(dry, { code: 0, stdout: /^\{/, stderr: "" });
  assert.deepEqual(
    JSON.parse(dry.stdout).orphans.map((o: { pid: number }) => o.pid),
    [daemon],
  );
  const offline = await tend(ws, ["status", "--json"]);
  assert.equal(offline.stderr, "");
  const [stopped] = JSON.parse(offline.stdout).services;
  assert.deepEqual([stopped.status, stopped.pid], ["stopped", null]);

  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stderr: "",
    stdout: /^started "leaky" \(pid \d+\)\n$/,
  });
  const pid = Number(/pid (\d+)/.exec(start.stdout)![1]);
  assert.notEqual(pid, daemon);
  await waitFor(async () => (await readLines(marker)).length === 2, {
    message: "the second run of leaky to write its marker",
  });
  const [leaky] = (await statusJson(ws)).services;
  assert.deepEqual([leaky?.status, leaky?.pid], ["running", pid]);
  assert.ok(isAlive(daemon), "start ended the orphan");
});
