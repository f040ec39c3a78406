import assert from "node:assert/strict";
import {
  denoFixtureService,
  fixtureService,
  isAlive,
  killTagged,
  makeTempWorkspace,
  NOTE_STOP_FIXTURE,
  readLines,
  readPids,
  spawnTend,
  statusJson,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The pid in a `started "NAME" (pid N)` or `already running (pid N)` line. */
function reportedPid(stderr: string, name: string): number {
  const match = new RegExp(`"${name}"[^\\n]*\\(pid (\\d+)`).exec(stderr);
  assert.ok(match, `no pid of "${name}" in ${JSON.stringify(stderr)}`);
  return Number(match[1]);
}

/** Waits until `marker` has at least one line, then returns its pids. */
async function markerPids(marker: string): Promise<number[]> {
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: `the service to write ${marker}`,
  });
  return await readPids(marker);
}

Deno.test("tend start is idempotent: a second start says already running and keeps the pid", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));

  const first = await tend(ws, ["start"]);
  assertRun(first, {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = reportedPid(first.stdout, "web");
  assert.deepEqual(await markerPids(marker), [pid]);

  const second = await tend(ws, ["start"]);
  assertRun(second, {
    code: 0,
    stdout: `"web" is already running (pid ${pid})\n`,
    stderr: "",
  });

  const third = await tend(ws, ["start", "--json"]);
  assertRun(third, { code: 0, stdout: /^\{/, stderr: "" });
  const response = JSON.parse(third.stdout);
  assert.equal(response.results.length, 1);
  assert.equal(response.results[0].name, "web");
  assert.equal(response.results[0].action, "already-running");
  assert.equal(response.results[0].service.pid, pid);

  assert.ok(isAlive(pid));
  assert.deepEqual(await readPids(marker), [pid], "no second copy ran");
  const status = await statusJson(ws);
  assert.equal(status.services[0]?.pid, pid);
  assert.equal(status.services[0]?.status, "running");
});

Deno.test("tend status --json has the documented shape and exits 3 for a stopped service", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    fixtureService("web", ["--marker", ws.path("web.marker")]) +
      fixtureService("worker", ["--marker", ws.path("worker.marker")]),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\nstarted "worker" \(pid \d+\)\n$/,
    stderr: "",
  });
  const [webPid] = await markerPids(ws.path("web.marker"));
  const [workerPid] = await markerPids(ws.path("worker.marker"));

  const all = await tend(ws, ["status", "--json"]);
  assertRun(all, { code: 0, stdout: /^\{/, stderr: "" });
  const status = JSON.parse(all.stdout);
  assert.deepEqual(Object.keys(status).sort(), [
    "services",
    "supervisor",
    "workspace",
  ]);
  assert.equal(status.workspace, ws.dir);
  const { supervisor } = status;
  assert.equal(supervisor.status, "running");
  assert.ok(Number.isInteger(supervisor.pid) && isAlive(supervisor.pid));
  assert.match(supervisor.startedAt, ISO_DATE);
  assert.match(supervisor.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(
    status.services.map((s: { name: string }) => s.name),
    ["web", "worker"],
  );
  for (
    const [service, pid] of [[status.services[0], webPid], [
      status.services[1],
      workerPid,
    ]]
  ) {
    assert.equal(service.status, "running");
    assert.equal(service.pid, pid);
    assert.equal(service.port, null);
    assert.match(service.startedAt, ISO_DATE);
    assert.equal(service.restarts, 0);
    assert.equal(service.lastExit, null);
  }

  assertRun(await tend(ws, ["stop", "worker"]), {
    code: 0,
    stdout: 'stopped "worker"\n',
    stderr: "",
  });
  assert.ok(!isAlive(workerPid!));

  const some = await tend(ws, ["status", "--json"]);
  assertRun(some, { code: 3, stdout: /^\{/, stderr: "" });
  const after = JSON.parse(some.stdout);
  assert.equal(after.services[0].status, "running");
  assert.equal(after.services[0].pid, webPid);
  assert.equal(after.services[1].status, "stopped");
  assert.equal(after.services[1].pid, null);

  assertRun(await tend(ws, ["status", "worker", "--json"]), {
    code: 3,
    stdout: /"stopped"/,
    stderr: "",
  });
  const web = await tend(ws, ["status", "web", "--json"]);
  assertRun(web, { code: 0, stdout: /^\{/, stderr: "" });
  assert.deepEqual(
    JSON.parse(web.stdout).services.map((s: { name: string }) => s.name),
    ["web"],
  );
  assertRun(await tend(ws, ["status"]), {
    code: 3,
    stdout: new RegExp(
      `^workspace: .*\\n[^]*\\nweb +running +${webPid} [^\\n]*\\nworker +stopped `,
    ),
    stderr: "",
  });
});

Deno.test("tend stop ends a service and the grandchild it forked", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  const grandchild = ws.path("grandchild.pid");
  await ws.writeConfig(
    fixtureService("web", ["--marker", marker, "--fork", grandchild]),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web"/,
    stderr: "",
  });
  const [pid] = await markerPids(marker);
  const [childPid] = await markerPids(grandchild);
  assert.ok(isAlive(pid!) && isAlive(childPid!));

  assertRun(await tend(ws, ["stop"]), {
    code: 0,
    stdout: 'stopped "web"\n',
    stderr: "",
  });
  assert.ok(!isAlive(pid!), "the service survived the stop");
  assert.ok(!isAlive(childPid!), "the grandchild survived the stop");
  assert.equal((await statusJson(ws)).services[0]?.status, "stopped");
});

Deno.test("tend stop escalates to SIGKILL after stop_timeout for a service that ignores SIGTERM", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  const grandchild = ws.path("grandchild.pid");
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--ignore-term", "--marker", marker, "--fork", grandchild],
      'stop_timeout = "1s"',
    ),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web"/,
    stderr: "",
  });
  const [pid] = await markerPids(marker);
  const [childPid] = await markerPids(grandchild);

  const began = Date.now();
  assertRun(await tend(ws, ["stop"]), {
    code: 0,
    stdout:
      'stopped "web" (killed with SIGKILL: it did not exit within stop_timeout)\n',
    stderr: "",
  });
  assert.ok(
    Date.now() - began >= 1_000,
    "stop returned before stop_timeout: SIGTERM cannot have ended the service",
  );
  assert.ok(!isAlive(pid!), "the service survived the stop");
  assert.ok(!isAlive(childPid!), "the grandchild survived the stop");
  const [web] = (await statusJson(ws)).services;
  assert.equal(web?.status, "stopped");
  assert.equal(web?.lastExit?.signal, "SIGKILL");
});

Deno.test("tend start with its stdout piped reaches EOF promptly while the services keep running", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));

  const child = spawnTend(ws, ["start"]);
  const reading = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), 20_000);
  });
  const outcome = await Promise.race([reading, deadline]);
  clearTimeout(timer);
  if (outcome === null) {
    await killTagged(ws.dir); // closes the pipe held by a leaked descendant
    await reading;
    await child.status;
    assert.fail("stdout of `tend start` stayed open for 20 s");
  }
  const [stdout, stderr] = outcome;
  const { code } = await child.status;
  assertRun({ code, stdout, stderr }, {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = reportedPid(stdout, "web");
  assert.deepEqual(await markerPids(marker), [pid]);
  assert.ok(isAlive(pid), "the service died with the CLI");
  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "running");
  assert.equal(status.services[0]?.status, "running");
  assert.equal(status.services[0]?.pid, pid);
});

Deno.test("tend stop of a SIGSTOPped service sends SIGCONT after stop_signal, so it exits on SIGTERM", async () => {
  await using ws = await makeTempWorkspace();
  const notes = ws.path("notes");
  await ws.writeConfig(
    denoFixtureService("svc", NOTE_STOP_FIXTURE, {
      args: [notes],
      extra: 'stop_timeout = "60s"',
    }),
  );
  const start = await tend(ws, ["start"]);
  assertRun(start, { code: 0, stderr: "", stdout: /^started "svc"/ });
  const pid = reportedPid(start.stdout, "svc");
  await waitFor(async () => (await readLines(notes)).includes("start svc"), {
    message: "the service to install its SIGTERM handler",
  });
  Deno.kill(pid, "SIGSTOP");
  await waitFor(async () => {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T");
  }, { message: "the service to be stopped" });

  const began = Date.now();
  assertRun(await tend(ws, ["stop", "svc"]), {
    code: 0,
    stderr: "",
    stdout: 'stopped "svc"\n',
  });
  const tookMs = Date.now() - began;
  // Far under stop_timeout (a loaded machine's CLI run is slow, not 60 s).
  assert.ok(tookMs < 30_000, `stop took ${tookMs} ms: it waited for SIGKILL`);
  assert.ok(!isAlive(pid));
  assert.ok(
    (await readLines(notes)).includes("stop svc"),
    "the service never handled SIGTERM",
  );
});

Deno.test("tend start creates missing directories of log_file and pid_file (0700 under .tend)", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(
    `[daemon]
pid_file = "run/deep/tend.pid"

` +
      fixtureService(
        "web",
        ["--marker", marker],
        'log_file = "logs/web/out.log"',
      ) +
      fixtureService("api", [], 'log_file = ".tend/extra/api/out.log"'),
  );
  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stderr: "",
    stdout: /^started "web" \(pid \d+\)\nstarted "api" \(pid \d+\)\n$/,
  });
  assert.deepEqual(await markerPids(marker), [
    reportedPid(start.stdout, "web"),
  ]);
  assert.ok((await Deno.stat(ws.path("logs/web/out.log"))).isFile);
  assert.ok((await Deno.stat(ws.path(".tend/extra/api/out.log"))).isFile);
  for (const dir of [".tend/extra", ".tend/extra/api"]) {
    assert.equal((await Deno.stat(ws.path(dir))).mode! & 0o777, 0o700, dir);
  }
  const supervisor = (await statusJson(ws)).supervisor.pid;
  await waitFor(
    async () =>
      (await readPids(ws.path("run/deep/tend.pid")))[0] === supervisor,
    {
      message: "the pid_file to name the supervisor",
    },
  );
});
