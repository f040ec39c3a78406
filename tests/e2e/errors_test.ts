import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  type RunResult,
  startSleeper,
  statusJson,
  taggedWith,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertHumanError, assertJsonError, assertRun } from "./_assert.ts";

/** The marker the "web" service of these tests writes. */
const MARKER = "web.marker";

function goodConfig(ws: TempWorkspace): string {
  return fixtureService("web", ["--marker", ws.path(MARKER)]);
}

/** Bad configs: what is wrong, the file, the sentence that says so. */
const BAD_CONFIGS: {
  what: string;
  toml: (ws: TempWorkspace) => string;
  message: RegExp;
}[] = [
  {
    what: "a TOML syntax error",
    toml: (ws) => `${goodConfig(ws)}port = \n`,
    message: /^Cannot load config ".*\/tend\.toml": invalid TOML at line \d+/,
  },
  {
    what: "an unknown field",
    toml: (ws) =>
      fixtureService("web", ["--marker", ws.path(MARKER)], 'colour = "red"'),
    message:
      /^Cannot load config ".*\/tend\.toml": unknown field "colour" in processes\[0\] \("web"\)/,
  },
  {
    what: "a port out of range",
    toml: (ws) =>
      fixtureService("web", ["--marker", ws.path(MARKER)], "port = 70000"),
    message:
      /^Cannot load config ".*\/tend\.toml": processes\[0\] \("web"\)\.port must be an integer from 1 to 65535, got 70000/,
  },
];

/** Starts "web" in a new workspace and returns its pid. */
async function startWeb(ws: TempWorkspace): Promise<number> {
  await ws.writeConfig(goodConfig(ws));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  await waitFor(async () => (await readPids(ws.path(MARKER))).length > 0, {
    message: "web to write its marker",
  });
  const [pid] = await readPids(ws.path(MARKER));
  return pid!;
}

/**
 * Starts "web", then ends the background supervisor with SIGTERM, which
 * leaves its services running; returns the pid of "web".
 */
async function orphanedWeb(ws: TempWorkspace): Promise<number> {
  const pid = await startWeb(ws);
  const supervisor = (await statusJson(ws)).supervisor.pid!;
  Deno.kill(supervisor, "SIGTERM");
  await waitFor(() => !isAlive(supervisor), {
    message: "the supervisor to exit on SIGTERM",
  });
  assert.ok(isAlive(pid), "the service died with its supervisor");
  return pid;
}

/** Asserts that "web" still runs as `pid`, and that it is the only copy that ran. */
async function assertUntouched(ws: TempWorkspace, pid: number): Promise<void> {
  assert.ok(isAlive(pid), `web (pid ${pid}) was stopped`);
  assert.deepEqual(await readPids(ws.path(MARKER)), [pid], "a second copy ran");
}

/** Puts a non-empty directory (which no plain remove can delete) at `path`. */
async function replaceWithDirectory(path: string): Promise<void> {
  await Deno.remove(path);
  await Deno.mkdir(path);
  await Deno.writeTextFile(`${path}/inside`, "x\n");
}

/** Asserts both the human and the `--json` form of an error of `tend ARGS`. */
async function assertFails(
  ws: TempWorkspace,
  args: string[],
  expected: { code: number; errorCode: string; message: RegExp },
): Promise<RunResult> {
  const human = await tend(ws, args);
  assertHumanError(human, expected);
  assertJsonError(await tend(ws, [...args, "--json"]), expected);
  return human;
}

Deno.test("tend reload rejects a bad config with CONFIG_INVALID and keeps the running service", async (t) => {
  await using ws = await makeTempWorkspace();
  const pid = await startWeb(ws);
  for (const bad of BAD_CONFIGS) {
    await t.step(bad.what, async () => {
      await ws.writeConfig(bad.toml(ws));
      await assertFails(ws, ["reload"], {
        code: 4,
        errorCode: "CONFIG_INVALID",
        message: bad.message,
      });
      await assertUntouched(ws, pid);
      const status = await statusJson(ws);
      assert.deepEqual(
        status.services.map((s) => [s.name, s.status, s.pid]),
        [["web", "running", pid]],
      );
    });
  }
});

Deno.test("tend start rejects a bad config before anything runs", async (t) => {
  for (const bad of BAD_CONFIGS) {
    await t.step(bad.what, async () => {
      await using ws = await makeTempWorkspace();
      await ws.writeConfig(bad.toml(ws));
      await assertFails(ws, ["start"], {
        code: 4,
        errorCode: "CONFIG_INVALID",
        message: bad.message,
      });
      assert.deepEqual(await taggedWith(ws.dir), [], "something was started");
      assert.deepEqual(await readPids(ws.path(MARKER)), []);
    });
  }
});

Deno.test("tend start, stop and status reject a bad config and leave a service running without a supervisor", async (t) => {
  await using ws = await makeTempWorkspace();
  const pid = await orphanedWeb(ws);
  for (const bad of BAD_CONFIGS) {
    await t.step(bad.what, async () => {
      await ws.writeConfig(bad.toml(ws));
      for (const command of ["start", "stop", "status"]) {
        assertHumanError(await tend(ws, [command]), {
          code: 4,
          message: bad.message,
        });
      }
      assertJsonError(await tend(ws, ["stop", "--json"]), {
        code: 4,
        errorCode: "CONFIG_INVALID",
        message: bad.message,
      });
      await assertUntouched(ws, pid);
    });
  }
  await ws.writeConfig(goodConfig(ws));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: `"web" is already running (pid ${pid})\n`,
    stderr: "",
  });
  await assertUntouched(ws, pid);
});

Deno.test("tend rejects an unknown service name with UNKNOWN_SERVICE and leaves the others running", async (t) => {
  await using ws = await makeTempWorkspace();
  const pid = await startWeb(ws);
  const commands = [["start"], ["stop"], ["restart"], ["status"], ["logs"]];
  const expected = {
    code: 4,
    errorCode: "UNKNOWN_SERVICE",
    message: /^Cannot (find|show) service "nope"/,
  };
  await t.step("with a supervisor", async () => {
    for (const command of commands) {
      const result = await assertFails(ws, [...command, "nope"], expected);
      assert.match(result.stderr, /\nhint: Known services: web\n$/);
    }
    await assertUntouched(ws, pid);
  });
  await t.step("without a supervisor", async () => {
    const supervisor = (await statusJson(ws)).supervisor.pid!;
    Deno.kill(supervisor, "SIGTERM");
    await waitFor(() => !isAlive(supervisor), {
      message: "the supervisor to exit on SIGTERM",
    });
    for (const command of [["stop"], ["status"], ["logs"]]) {
      await assertFails(ws, [...command, "nope"], expected);
    }
    await assertUntouched(ws, pid);
  });
});

/** Damaged `.tend/run` files, and what `tend status` must say without a supervisor. */
const DAMAGES: {
  what: string;
  damage(ws: TempWorkspace, decoy: string): Promise<void>;
  errorCode: string;
  code: number;
  message: RegExp;
  /** Checks after `tend start` recovered. */
  recovered(ws: TempWorkspace, pid: number): Promise<void>;
}[] = [
  {
    what: "garbage in web.pid",
    damage: (ws) =>
      Deno.writeTextFile(ws.path(".tend/run/web.pid"), "garbage\n"),
    errorCode: "PID_FILE_CORRUPTED",
    code: 7,
    message:
      /^Cannot read PID file ".*\/\.tend\/run\/web\.pid": "garbage\\n" is not a process id$/,
    async recovered(ws, pid) {
      assert.deepEqual(await readPids(ws.path(".tend/run/web.pid")), [pid]);
    },
  },
  {
    what: "garbage in state.json",
    damage: (ws) =>
      Deno.writeTextFile(
        ws.path(".tend/run/state.json"),
        '{"version": 1, "serv',
      ),
    errorCode: "PID_FILE_CORRUPTED",
    code: 7,
    message:
      /^Cannot read state file ".*\/\.tend\/run\/state\.json": it is not valid tend state$/,
    recovered: assertStateMovedAside,
  },
  {
    what: "a 10 MB state.json",
    damage: (ws) =>
      Deno.writeTextFile(
        ws.path(".tend/run/state.json"),
        `{"version": 1, "services": {"web": ${"[".repeat(10 * 1024 * 1024)}`,
      ),
    errorCode: "PID_FILE_CORRUPTED",
    code: 7,
    message: /^Cannot read (state file )?".*\/\.tend\/run\/state\.json": /,
    recovered: assertStateMovedAside,
  },
  {
    what: "a supervisor.pid that is a symlink",
    damage: (ws, decoy) =>
      Deno.symlink(decoy, ws.path(".tend/run/supervisor.pid")),
    errorCode: "PERMISSION_DENIED",
    code: 7,
    message:
      /^Cannot use ".*\/\.tend\/run\/supervisor\.pid": it is a symbolic link/,
    async recovered(ws) {
      const file = ws.path(".tend/run/supervisor.pid");
      const info = await Deno.lstat(file);
      assert.ok(
        info.isFile && !info.isSymlink,
        "supervisor.pid is still a link",
      );
      assert.deepEqual(await readPids(file), [
        (await statusJson(ws)).supervisor.pid,
      ]);
    },
  },
];

async function assertStateMovedAside(ws: TempWorkspace): Promise<void> {
  const names = [];
  for await (const entry of Deno.readDir(ws.path(".tend/run"))) {
    names.push(entry.name);
  }
  assert.ok(
    names.some((name) =>
      name.startsWith("state.json.") && !name.endsWith(".tmp")
    ),
    `the damaged state.json was not kept aside: ${names}`,
  );
}

for (const damage of DAMAGES) {
  Deno.test(`tend status reports ${damage.what} and tend start recovers without a second copy`, async () => {
    await using ws = await makeTempWorkspace();
    // The decoy names a live process: following the link must not reach it.
    const decoy = ws.path("decoy.pid");
    await using sleeper = await startSleeper(decoy);
    const pid = await orphanedWeb(ws);
    await damage.damage(ws, decoy);

    await assertFails(ws, ["status"], damage);
    await assertUntouched(ws, pid);

    assertRun(await tend(ws, ["start"]), {
      code: 0,
      stdout: `"web" is already running (pid ${pid})\n`,
      stderr: "",
    });
    await assertUntouched(ws, pid);
    const status = await statusJson(ws);
    assert.equal(status.supervisor.status, "running");
    assert.deepEqual(
      status.services.map((s) => [s.name, s.status, s.pid]),
      [["web", "running", pid]],
    );
    await damage.recovered(ws, pid);
    assert.ok(isAlive(sleeper.pid), "the decoy's process was signalled");
    assert.deepEqual(
      await readPids(decoy),
      [sleeper.pid],
      "the decoy was written",
    );
  });
}

Deno.test("tend status and start ignore damaged run files while the supervisor answers", async () => {
  await using ws = await makeTempWorkspace();
  const decoy = ws.path("decoy.pid");
  await using sleeper = await startSleeper(decoy);
  const pid = await startWeb(ws);
  const run = ws.path(".tend/run");
  await Deno.writeTextFile(`${run}/web.pid`, "garbage\n");
  await Deno.writeTextFile(`${run}/state.json`, "not json");
  await Deno.remove(`${run}/supervisor.pid`);
  await Deno.symlink(decoy, `${run}/supervisor.pid`);

  const json = await tend(ws, ["status", "--json"]);
  assertRun(json, { code: 0, stdout: /^\{/, stderr: "" });
  assert.deepEqual(
    JSON.parse(json.stdout).services.map((s: { pid: number }) => s.pid),
    [pid],
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: `"web" is already running (pid ${pid})\n`,
    stderr: "",
  });
  await assertUntouched(ws, pid);
  assert.ok(isAlive(sleeper.pid));
  assert.deepEqual(
    await readPids(decoy),
    [sleeper.pid],
    "the decoy was written",
  );
});

Deno.test("tend refuses a state.json that is not a regular file and leaves the service running", async () => {
  await using ws = await makeTempWorkspace();
  const pid = await orphanedWeb(ws);
  const state = ws.path(".tend/run/state.json");
  await Deno.remove(state);
  await Deno.mkdir(state);

  for (const command of ["status", "start", "stop"]) {
    await assertFails(ws, [command], {
      code: 7,
      errorCode: "FILE_IN_THE_WAY",
      message:
        /^Cannot use ".*\/\.tend\/run\/state\.json": it is a directory, not a regular file$/,
    });
    await assertUntouched(ws, pid);
  }
  assert.deepEqual(
    (await taggedWith(ws.dir)).map((p) => [p.service, p.pid]),
    [["web", pid]],
    "a supervisor was left behind",
  );
});

Deno.test("tend names a directory that takes the socket's place under a live supervisor, and serves again once it is removed", async () => {
  // Short fence checks and socket grace: the scenario is the waits.
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const pid = await startWeb(ws);
  const supervisor = (await statusJson(ws)).supervisor.pid!;
  const socket = ws.path(".tend/run/tend.sock");
  await replaceWithDirectory(socket);

  await assertFails(ws, ["start"], {
    code: 7,
    errorCode: "FILE_IN_THE_WAY",
    message:
      /^Cannot reach the supervisor of ".*": a directory is where its socket ".*\/tend\.sock" belongs$/,
  });
  const status = await statusJson(ws);
  assert.equal(status.supervisor.pid, supervisor);
  assert.equal(status.supervisor.status, "running");
  assert.notEqual(status.supervisor.version, null);
  assert.equal(
    status.services[0]!.reason,
    "the supervisor holds the lock but does not answer",
  );
  const stop = await tend(ws, ["stop"]);
  assertHumanError(stop, { code: 3, message: /does not answer$/ });
  assert.match(stop.stderr, /hint: Remove ".*\/tend\.sock": a directory/);
  const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
  assert.equal(
    log.split("\n").filter((l) => l.includes("cannot be listened on again"))
      .length,
    1,
    `a repeated failure is logged once:\n${log}`,
  );

  await Deno.remove(socket, { recursive: true });
  await waitFor(async () => (await tend(ws, ["start"])).code === 0, {
    message: "the supervisor to listen again",
  });
  assert.equal((await statusJson(ws)).supervisor.pid, supervisor);
  await assertUntouched(ws, pid);
});

Deno.test("tend stop ends a service whose pid file became a directory, and the supervisor keeps serving", async () => {
  await using ws = await makeTempWorkspace();
  const pid = await startWeb(ws);
  const supervisor = (await statusJson(ws)).supervisor.pid!;
  await replaceWithDirectory(ws.path(".tend/run/web.pid"));

  assertRun(await tend(ws, ["stop"]), {
    code: 0,
    stdout: 'stopped "web"\n',
    stderr: "",
  });
  assert.ok(!isAlive(pid), "web still runs");
  assert.ok(isAlive(supervisor), "the supervisor died");
  const status = await statusJson(ws);
  assert.equal(status.supervisor.pid, supervisor);
  assert.equal(status.services[0]!.status, "stopped");
  const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
  assert.match(log, /cannot remove the pid file of "web": .*a directory/);
});

Deno.test("tend -C DIR init names a workspace directory that does not exist CONFIG_INVALID, not a permission problem", async () => {
  await using ws = await makeTempWorkspace();
  const missing = ws.path("nodir");
  await Deno.writeTextFile(ws.path("a-file"), "x");
  for (const dir of [missing, "nodir", ws.path("a-file")]) {
    await assertFails(ws, ["-C", dir, "init"], {
      code: 4,
      errorCode: "CONFIG_INVALID",
      message:
        /^Cannot write ".*\/(nodir|a-file)\/tend\.toml": ".*\/(nodir|a-file)" is not an existing directory$/,
    });
  }
  await assert.rejects(Deno.lstat(missing), Deno.errors.NotFound);
});

Deno.test("tend -C DIR init writes tend.toml in DIR, absolute or relative", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.mkdir(ws.path("abs"));
  await Deno.mkdir(ws.path("rel"));
  for (const dir of [ws.path("abs"), "rel"]) {
    const at = ws.path(dir.endsWith("abs") ? "abs" : "rel");
    const file = `${at}/tend.toml`;
    assertRun(await tend(ws, ["-C", dir, "init"]), {
      code: 0,
      stdout: "",
      stderr: `wrote ${file}\nwrote ${at}/.tend/tend.schema.json ` +
        "(for the #:schema line of tend.toml)\n",
    });
    assert.match(await Deno.readTextFile(file), /^#:schema .*\n# tend\.toml/);
  }
});
