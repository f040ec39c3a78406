import assert from "node:assert/strict";
import {
  denoFixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  SLEEPER_FIXTURE,
  startSleeper,
  statusJson,
  type TempWorkspace,
  tend,
  waitFor,
  waitForService,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/** A daemon.toml in mi7soft-daemon's shape, with its pid_file in the workspace. */
function daemonToml(ws: TempWorkspace, names: readonly string[]): string {
  const services = names.map((name) =>
    denoFixtureService(name, SLEEPER_FIXTURE, {
      args: [ws.path(`${name}.own.pid`)],
      extra: "auto_restart = true",
    })
  );
  return `[daemon]
pid_file = ${JSON.stringify(ws.path("mi7soft-daemon.pid"))}
check_interval = 3

${services.join("\n")}`;
}

Deno.test("mi7soft-daemon's README command lines work as written", async (t) => {
  await using ws = await makeTempWorkspace();
  const pidFile = ws.path("mi7soft-daemon.pid");
  await Deno.writeTextFile(ws.path("daemon.toml"), daemonToml(ws, ["a", "b"]));

  await t.step("tend -c FILE --daemonize start", async () => {
    assertRun(await tend(ws, ["-c", "daemon.toml", "--daemonize", "start"]), {
      code: 0,
      stderr: "",
      stdout: /^started "a" \(pid \d+\)\nstarted "b" \(pid \d+\)\n$/,
    });
    const status = await statusJson(ws);
    assert.deepEqual(await readPids(pidFile), [status.supervisor.pid]);
  });

  await t.step("tend stop NAME, then tend start-process NAME", async () => {
    assertRun(await tend(ws, ["stop", "b"]), {
      code: 0,
      stderr: "",
      stdout: /^stopped "b"/,
    });
    assertRun(await tend(ws, ["start-process", "b"]), {
      code: 0,
      stderr: "",
      stdout: /^started "b" \(pid \d+\)\n$/,
    });
    const b = await waitForService(ws, "b", (s) => s.status === "running");
    await waitFor(
      async () => (await readPids(ws.path("b.own.pid")))[0] === b.pid,
      {
        message: "b to write its own pid file",
      },
    );
  });

  await t.step("kill -HUP $(cat pid_file) reloads the config", async () => {
    await Deno.writeTextFile(
      ws.path("daemon.toml"),
      daemonToml(ws, ["a", "b", "c"]),
    );
    const [pid] = await readPids(pidFile);
    Deno.kill(pid!, "SIGHUP");
    const c = await waitForService(ws, "c", (s) => s.status === "running");
    await waitFor(
      async () => (await readPids(ws.path("c.own.pid")))[0] === c.pid,
      {
        message: "c to write its own pid file",
      },
    );
  });

  await t.step(
    "kill $(cat pid_file) stops the supervisor, not the services",
    async () => {
      const before = await statusJson(ws);
      const [pid] = await readPids(pidFile);
      Deno.kill(pid!, "SIGTERM");
      await waitFor(() => !isAlive(pid!), {
        message: "the supervisor to exit",
      });
      await waitFor(async () => (await readPids(pidFile)).length === 0, {
        message: "the supervisor to remove its pid_file",
      });
      for (const service of before.services) assert.ok(isAlive(service.pid!));
      assertRun(await tend(ws, ["down"]), {
        code: 0,
        stderr: "",
        stdout: /stopped "a"/,
      });
    },
  );
});

Deno.test("tend shutdown stops the supervisor and leaves the services running", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.writeTextFile(ws.path("daemon.toml"), daemonToml(ws, ["a"]));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^started "a"/,
  });
  const before = await statusJson(ws);
  assertRun(await tend(ws, ["shutdown"]), {
    code: 0,
    stdout: "",
    stderr: "supervisor stopped; services keep running\n",
  });
  assert.ok(!isAlive(before.supervisor.pid!));
  assert.ok(isAlive(before.services[0]!.pid!));
  assertRun(await tend(ws, ["shutdown"]), {
    code: 3,
    stdout: "",
    stderr: /^error: Cannot shut down the supervisor: none runs for /,
  });
  assertRun(await tend(ws, ["down"]), {
    code: 0,
    stderr: "",
    stdout: /stopped "a"/,
  });
});

Deno.test("a pid_file naming another live supervisor is never overwritten or deleted", async () => {
  await using ws = await makeTempWorkspace();
  const pidFile = ws.path("mi7soft-daemon.pid");
  // The other supervisor: a live process of ours whose PID is in pid_file.
  await using other = await startSleeper(pidFile);
  await Deno.writeTextFile(ws.path("daemon.toml"), daemonToml(ws, ["a"]));

  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^started "a"/,
  });
  const status = await statusJson(ws);
  assert.notEqual(status.supervisor.pid, other.pid);
  assert.deepEqual(await readPids(pidFile), [other.pid]);
  const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
  assert.match(
    log,
    new RegExp(
      `pid_file \\S+ left unchanged: it names live process ${other.pid}`,
    ),
  );

  assertRun(await tend(ws, ["down"]), {
    code: 0,
    stderr: /supervisor stopped/,
    stdout: /stopped "a"/,
  });
  assert.deepEqual(await readPids(pidFile), [other.pid]);
  assert.ok(isAlive(other.pid));
});

Deno.test("a pid_file naming a dead process is taken over, then removed on exit", async () => {
  await using ws = await makeTempWorkspace();
  const pidFile = ws.path("mi7soft-daemon.pid");
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  await Deno.writeTextFile(pidFile, `${dead.pid}\n`);
  await Deno.writeTextFile(ws.path("daemon.toml"), daemonToml(ws, ["a"]));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^started "a"/,
  });
  const status = await statusJson(ws);
  assert.deepEqual(await readPids(pidFile), [status.supervisor.pid]);
  assertRun(await tend(ws, ["down"]), {
    code: 0,
    stderr: /supervisor stopped/,
    stdout: /stopped "a"/,
  });
  assert.deepEqual(await readPids(pidFile), []);
});
