import assert from "node:assert/strict";
import {
  cliEnv,
  daemonArgs,
  DAEMONIZE_FIXTURE,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  spawnOwn,
  statusJson,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";
import { FAST_TIMING } from "../../src/timing.ts";
import { startZombieMaker } from "../proc/_zombie.ts";

/** What `tend cleanup --json` prints. */
interface CleanupJson {
  orphans: {
    pid: number;
    pgid: number;
    service: string | null;
    command: string;
  }[];
  staleFiles: string[];
  killed: number[];
  dryRun: boolean;
}

/** The first of `candidates` that exists, or null. */
function findFile(candidates: readonly string[]): string | null {
  for (const file of candidates) {
    try {
      Deno.statSync(file);
      return file;
    } catch {
      // Not there; try the next.
    }
  }
  return null;
}

const SETPRIV = findFile(["/usr/bin/setpriv", "/bin/setpriv"]);
const SLEEP = findFile(["/usr/bin/sleep", "/bin/sleep"]);
/** Why a test that needs another user cannot run here, or null. */
const NO_OTHER_USER = SETPRIV === null
  ? "setpriv is missing"
  : SLEEP === null
  ? "sleep is missing"
  : Deno.uid() !== 0
  ? "only root can run a process as nobody"
  : null;
const NOBODY = 65534;

/** A test name's note on why it is ignored here, if it is. */
function skipped(reason: string | null): string {
  return reason === null ? "" : ` (ignored: ${reason})`;
}

/** The command line `tend` reports for the daemon writing `file`. */
function daemonCommand(file: string, options: { ignoreTerm?: boolean } = {}) {
  return [Deno.execPath(), ...daemonArgs(file, options)].join(" ");
}

/** Process group, session and real uid of `pid`, from /proc. */
async function procFacts(
  pid: number,
): Promise<{ pgrp: number; sid: number; uid: number }> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return {
    pgrp: Number(fields[2]),
    sid: Number(fields[3]),
    uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]),
  };
}

/** The TEND_WORKSPACE and TEND_SERVICE of `pid`'s environment. */
async function procTags(
  pid: number,
): Promise<{ workspace?: string; service?: string }> {
  const env = new TextDecoder().decode(
    await Deno.readFile(`/proc/${pid}/environ`),
  ).split("\0");
  const value = (name: string) =>
    env.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  const out: { workspace?: string; service?: string } = {};
  const workspace = value("TEND_WORKSPACE");
  const service = value("TEND_SERVICE");
  if (workspace !== undefined) out.workspace = workspace;
  if (service !== undefined) out.service = service;
  return out;
}

/** A `[[processes]]` entry running the daemonize fixture. */
function daemonizeService(
  name: string,
  options: { daemonFile: string; marker: string; ignoreTerm?: boolean },
  extra = "",
): string {
  const argv = [
    "run",
    "-A",
    DAEMONIZE_FIXTURE,
    "--orphan",
    options.daemonFile,
    "--marker",
    options.marker,
    ...(options.ignoreTerm === true ? ["--ignore-term"] : []),
  ];
  return `[[processes]]
name = ${JSON.stringify(name)}
command = ${JSON.stringify(Deno.execPath())}
args = ${JSON.stringify(argv)}
${extra}
`;
}

/** Waits until `file` holds `count` pids and returns them. */
async function pidsIn(file: string, count = 1): Promise<number[]> {
  await waitFor(async () => (await readPids(file)).length >= count, {
    message: `${count} pid(s) in ${file}`,
  });
  return await readPids(file);
}

/**
 * Starts the workspace, whose service "svc" runs the daemonize fixture,
 * and returns the pids of the service and of its daemon, checked to be in
 * another session and to carry the workspace's tag.
 */
async function startWithDaemon(
  ws: TempWorkspace,
  daemonFile: string,
): Promise<{ service: number; daemon: number }> {
  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stdout: /^started "svc" \(pid \d+\)\n/,
    stderr: "",
  });
  const service = Number(/"svc" \(pid (\d+)\)/.exec(start.stdout)![1]);
  assert.deepEqual(await pidsIn(ws.path("svc.marker")), [service]);
  const [daemon] = await pidsIn(daemonFile);
  assert.ok(daemon !== undefined && isAlive(daemon), "the daemon is not up");
  const facts = await procFacts(daemon);
  assert.equal(facts.sid, daemon, "the daemon did not start a session");
  assert.equal(facts.pgrp, daemon);
  assert.notEqual(facts.pgrp, (await procFacts(service)).pgrp);
  assert.deepEqual(await procTags(daemon), {
    workspace: ws.dir,
    service: "svc",
  });
  return { service, daemon };
}

/** SIGKILLs the service and waits until the supervisor has seen it exit. */
async function killService(ws: TempWorkspace, pid: number): Promise<void> {
  Deno.kill(pid, "SIGKILL");
  await waitFor(async () => {
    const svc = (await statusJson(ws)).services.find((s) => s.name === "svc");
    return svc !== undefined && svc.status !== "running" &&
      svc.lastExit?.signal === "SIGKILL";
  }, { message: "the supervisor to see svc die" });
  assert.ok(!isAlive(pid));
}

/** Parses a `--json` run that must have succeeded. */
function cleanupJson(result: Awaited<ReturnType<typeof tend>>): CleanupJson {
  assertRun(result, { code: 0, stdout: /^\{/, stderr: "" });
  return JSON.parse(result.stdout) as CleanupJson;
}

Deno.test("tend cleanup lists a daemon left by a killed service with --dry-run, then ends it", async () => {
  await using ws = await makeTempWorkspace();
  const daemonFile = ws.path("daemon.pids");
  await ws.writeConfig(
    daemonizeService(
      "svc",
      { daemonFile, marker: ws.path("svc.marker") },
      'restart = "never"',
    ),
  );
  const { service, daemon } = await startWithDaemon(ws, daemonFile);
  await killService(ws, service);
  assert.ok(isAlive(daemon), "the daemon died with its service's group");
  const command = daemonCommand(daemonFile);

  assertRun(await tend(ws, ["cleanup", "--dry-run"]), {
    code: 0,
    stdout: "",
    stderr: `would end orphan pid ${daemon} of "svc": ${command}\n`,
  });
  assert.ok(isAlive(daemon), "--dry-run ended the daemon");

  const dry = cleanupJson(await tend(ws, ["cleanup", "--dry-run", "--json"]));
  assert.deepEqual(dry, {
    orphans: [{ pid: daemon, pgid: daemon, service: "svc", command }],
    staleFiles: [],
    killed: [],
    dryRun: true,
  });
  assert.ok(isAlive(daemon), "--dry-run --json ended the daemon");

  assertRun(await tend(ws, ["cleanup"]), {
    code: 0,
    stdout: "",
    stderr: `ended orphan pid ${daemon} of "svc": ${command}\n`,
  });
  assert.ok(!isAlive(daemon), "cleanup left the daemon alive");

  assertRun(await tend(ws, ["cleanup"]), {
    code: 0,
    stdout: "",
    stderr: "nothing to clean up\n",
  });
  assert.deepEqual(cleanupJson(await tend(ws, ["cleanup", "--json"])), {
    orphans: [],
    staleFiles: [],
    killed: [],
    dryRun: false,
  });
});

Deno.test("tend cleanup and stop --all leave an untagged twin and another workspace's daemons alone", async () => {
  await using ws = await makeTempWorkspace();
  await using other = await makeTempWorkspace();
  const daemonFile = ws.path("daemon.pids");
  await ws.writeConfig(
    daemonizeService(
      "svc",
      { daemonFile, marker: ws.path("svc.marker") },
      'restart = "never"',
    ),
  );
  const { service, daemon } = await startWithDaemon(ws, daemonFile);

  // The same command line, byte for byte, without any tag.
  await using twin = spawnOwn(
    Deno.execPath(),
    daemonArgs(daemonFile),
    cliEnv(),
  );
  // The same tags, but of another workspace, and of one nested in this one.
  await using foreign = spawnOwn(
    Deno.execPath(),
    daemonArgs(daemonFile),
    cliEnv({ TEND_WORKSPACE: other.dir, TEND_SERVICE: "svc" }),
  );
  await using nested = spawnOwn(
    Deno.execPath(),
    daemonArgs(daemonFile),
    cliEnv({ TEND_WORKSPACE: ws.path("nested"), TEND_SERVICE: "svc" }),
  );
  const spared = [twin.pid, foreign.pid, nested.pid];
  const all = await pidsIn(daemonFile, 4);
  assert.deepEqual(new Set(all), new Set([daemon, ...spared]));
  assert.deepEqual(await procTags(twin.pid), {});
  for (const own of spared) {
    const cmdline = await Deno.readTextFile(`/proc/${own}/cmdline`);
    assert.equal(
      cmdline.split("\0").filter(Boolean).join(" "),
      daemonCommand(daemonFile),
    );
  }

  await killService(ws, service);
  const command = daemonCommand(daemonFile);
  assert.deepEqual(cleanupJson(await tend(ws, ["cleanup", "--json"])), {
    orphans: [{ pid: daemon, pgid: daemon, service: "svc", command }],
    staleFiles: [],
    killed: [],
    dryRun: false,
  });
  assert.ok(!isAlive(daemon), "cleanup left this workspace's daemon alive");
  for (const pid of spared) assert.ok(isAlive(pid), `cleanup ended pid ${pid}`);

  assertRun(await tend(ws, ["stop", "--all"]), {
    code: 0,
    stdout: '"svc" is not running\n',
    stderr: "nothing to clean up\n",
  });
  for (const pid of spared) {
    assert.ok(isAlive(pid), `stop --all ended pid ${pid}`);
  }
});

Deno.test({
  name:
    "tend cleanup and stop --all leave another user's process with this workspace's tag alone" +
    skipped(NO_OTHER_USER),
  ignore: NO_OTHER_USER !== null,
  async fn() {
    await using ws = await makeTempWorkspace();
    const daemonFile = ws.path("daemon.pids");
    await ws.writeConfig(
      daemonizeService("svc", { daemonFile, marker: ws.path("svc.marker") }),
    );
    const { daemon } = await startWithDaemon(ws, daemonFile);
    await using nobody = spawnOwn(SETPRIV!, [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      SLEEP!,
      "600",
    ], cliEnv({ TEND_WORKSPACE: ws.dir, TEND_SERVICE: "svc" }));
    await waitFor(async () => {
      try {
        const argv0 = (await Deno.readTextFile(`/proc/${nobody.pid}/cmdline`))
          .split("\0")[0];
        return argv0 === SLEEP && (await procFacts(nobody.pid)).uid === NOBODY;
      } catch {
        return false;
      }
    }, { message: "setpriv to run sleep as nobody" });
    assert.deepEqual(await procTags(nobody.pid), {
      workspace: ws.dir,
      service: "svc",
    });

    const cleaned = cleanupJson(await tend(ws, ["cleanup", "--json"]));
    assert.deepEqual(cleaned.orphans.map((o) => o.pid), [daemon]);
    assert.ok(!isAlive(daemon), "cleanup left this user's daemon alive");
    assert.ok(isAlive(nobody.pid), "cleanup ended nobody's process");

    const stopped = await tend(ws, ["stop", "--all", "--json"]);
    assertRun(stopped, { code: 0, stdout: /^\{/, stderr: "" });
    const body = JSON.parse(stopped.stdout);
    assert.deepEqual(body.cleanup.orphans, []);
    assert.equal(body.results[0].action, "stopped");
    assert.ok(isAlive(nobody.pid), "stop --all ended nobody's process");
  },
});

Deno.test("tend stop --all stops every service and ends the orphans", async () => {
  await using ws = await makeTempWorkspace();
  const daemonFile = ws.path("daemon.pids");
  const webMarker = ws.path("web.marker");
  await ws.writeConfig(
    daemonizeService("svc", { daemonFile, marker: ws.path("svc.marker") }) +
      fixtureService("web", ["--marker", webMarker]),
  );
  const { service, daemon } = await startWithDaemon(ws, daemonFile);
  const [web] = await pidsIn(webMarker);
  assert.ok(isAlive(web!));

  const result = await tend(ws, ["stop", "--all", "--json"]);
  assertRun(result, { code: 0, stdout: /^\{/, stderr: "" });
  const body = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(body).sort(), ["cleanup", "results"]);
  assert.deepEqual(
    body.results.map((
      r: { name: string; action: string },
    ) => [r.name, r.action])
      .sort(),
    [["svc", "stopped"], ["web", "stopped"]],
  );
  assert.deepEqual(body.cleanup, {
    orphans: [{
      pid: daemon,
      pgid: daemon,
      service: "svc",
      command: daemonCommand(daemonFile),
    }],
    staleFiles: [],
    killed: [],
    dryRun: false,
  });
  for (const pid of [service, web!, daemon]) {
    assert.ok(!isAlive(pid), `pid ${pid} survived stop --all`);
  }
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["svc", "stopped"], ["web", "stopped"]],
  );
});

Deno.test("tend cleanup without a supervisor ends orphans and removes stale files", async () => {
  await using ws = await makeTempWorkspace();
  const daemonFile = ws.path("daemon.pids");
  await ws.writeConfig(
    daemonizeService("svc", { daemonFile, marker: ws.path("svc.marker") }),
  );
  const { service, daemon } = await startWithDaemon(ws, daemonFile);
  const run = ws.path(".tend/run");
  const [supervisor] = await readPids(`${run}/supervisor.pid`);
  assert.ok(supervisor !== undefined && isAlive(supervisor));
  Deno.kill(supervisor, "SIGKILL");
  await waitFor(() => !isAlive(supervisor), {
    message: "the supervisor to die",
  });
  assert.ok(isAlive(service), "the service died with its supervisor");
  await Deno.writeTextFile(`${run}/ghost.pid`, "not a pid\n", { mode: 0o600 });
  // Left by a write of this (live) test process an hour ago: stale by age.
  const oldTemp = `${run}/state.json.${Deno.pid}.abcdef12.tmp`;
  await Deno.writeTextFile(oldTemp, "{", { mode: 0o600 });
  const anHourAgo = new Date(Date.now() - 3_600_000);
  await Deno.utime(oldTemp, anHourAgo, anHourAgo);
  // Being written right now by a live process: not stale.
  const liveTemp = `${run}/state.json.${Deno.pid}.0123abcd.tmp`;
  await Deno.writeTextFile(liveTemp, "{", { mode: 0o600 });
  // The SIGKILL may also have cut a write of state.json short.
  const cutWrites = [];
  for await (const entry of Deno.readDir(run)) {
    if (
      /^state\.json\.\d+\.[0-9a-f]+\.tmp$/.test(entry.name) &&
      !entry.name.startsWith(`state.json.${Deno.pid}.`)
    ) {
      cutWrites.push(entry.name);
    }
  }
  const leftovers = [
    ...new Set([
      "supervisor.pid",
      "supervisor.json",
      "tend.sock",
      "ghost.pid",
      `state.json.${Deno.pid}.abcdef12.tmp`,
      ...cutWrites,
    ]),
  ].map((name) => `${run}/${name}`);
  for (const file of leftovers) await Deno.lstat(file);

  const dry = cleanupJson(await tend(ws, ["cleanup", "--dry-run", "--json"]));
  assert.deepEqual(dry.orphans.map((o) => o.pid), [daemon]);
  assert.deepEqual([...dry.staleFiles].sort(), [...leftovers].sort());
  for (const file of leftovers) await Deno.lstat(file);

  const cleaned = cleanupJson(await tend(ws, ["cleanup", "--json"]));
  assert.deepEqual(cleaned.orphans, [{
    pid: daemon,
    pgid: daemon,
    service: "svc",
    command: daemonCommand(daemonFile),
  }]);
  assert.deepEqual([...cleaned.staleFiles].sort(), [...leftovers].sort());
  assert.deepEqual(
    { killed: cleaned.killed, dryRun: cleaned.dryRun },
    { killed: [], dryRun: false },
  );
  assert.ok(!isAlive(daemon), "cleanup left the orphan alive");
  assert.ok(isAlive(service), "cleanup ended the tracked service");
  for (const file of leftovers) {
    await assert.rejects(Deno.lstat(file), Deno.errors.NotFound, file);
  }
  for (const kept of ["supervisor.lock", "state.json", "svc.pid"]) {
    await Deno.lstat(`${run}/${kept}`);
  }
  await Deno.lstat(liveTemp);
  assert.deepEqual(await readPids(`${run}/svc.pid`), [service]);

  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "stopped");
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.pid]),
    [["svc", "running", service]],
  );
  assertRun(await tend(ws, ["cleanup"]), {
    code: 0,
    stdout: "",
    stderr: "nothing to clean up\n",
  });
  // A new supervisor adopts the service the cleanup left running.
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: `"svc" is already running (pid ${service})\n`,
    stderr: "",
  });
  assert.deepEqual(await readPids(ws.path("svc.marker")), [service]);
});

Deno.test("tend cleanup SIGKILLs an orphan that ignores SIGTERM after the orphan grace", async () => {
  // The short grace (0.5 s); the default (5 s) is held by timing_test.ts.
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const daemonFile = ws.path("daemon.pids");
  await ws.writeConfig(
    daemonizeService("svc", {
      daemonFile,
      marker: ws.path("svc.marker"),
      ignoreTerm: true,
    }),
  );
  const { service, daemon } = await startWithDaemon(ws, daemonFile);

  const began = Date.now();
  const cleaned = cleanupJson(await tend(ws, ["cleanup", "--json"]));
  const tookMs = Date.now() - began;
  assert.deepEqual(cleaned, {
    orphans: [{
      pid: daemon,
      pgid: daemon,
      service: "svc",
      command: daemonCommand(daemonFile, { ignoreTerm: true }),
    }],
    staleFiles: [],
    killed: [daemon],
    dryRun: false,
  });
  const grace = FAST_TIMING.orphanGraceMs;
  assert.ok(tookMs >= grace, `SIGKILL came after ${tookMs} ms, not ${grace}`);
  assert.ok(!isAlive(daemon), "the orphan survived SIGKILL");
  assert.ok(isAlive(service), "cleanup ended the running service");
});

Deno.test({
  name:
    "tend cleanup removes a temp file whose writer is a zombie (exited, not reaped)",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using ws = await makeTempWorkspace(
      fixtureService("svc", [], "autostart = false"),
    );
    await using maker = await startZombieMaker();
    const run = ws.path(".tend/run");
    await Deno.mkdir(run, { recursive: true, mode: 0o700 });
    // Written a moment ago by a process that has exited since: a cut write.
    const temp = `${run}/state.json.${maker.zombiePid}.0badcafe.tmp`;
    await Deno.writeTextFile(temp, "{", { mode: 0o600 });
    assert.ok(!isAlive(maker.zombiePid));

    const dry = cleanupJson(await tend(ws, ["cleanup", "--dry-run", "--json"]));
    assert.deepEqual(dry.staleFiles, [temp]);
    cleanupJson(await tend(ws, ["cleanup", "--json"]));
    await assert.rejects(Deno.lstat(temp), Deno.errors.NotFound);
  },
});
