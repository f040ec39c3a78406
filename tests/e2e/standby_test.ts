import assert from "node:assert/strict";
import { acquireLock } from "../../src/fence/lock.ts";
import { readCommand } from "../../src/proc/scan.ts";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  spawnTend,
  supervisorPid,
  taggedWith,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/** The pid of the standby supervisor `tend start` launched in `dir`, if any. */
async function standbyPid(dir: string): Promise<number | null> {
  for (const { pid, supervisor } of await taggedWith(dir)) {
    if (!supervisor) continue;
    const command = await readCommand(pid);
    if (command?.includes("__supervise") && command.includes("--standby")) {
      return pid;
    }
  }
  return null;
}

Deno.test("a supervisor that tend start launched on standby writes its stderr to tend.log", async () => {
  await using ws = await makeTempWorkspace(fixtureService("web"));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  const pid = await supervisorPid(ws);
  assert.ok(pid !== null && isAlive(pid));
  assert.match(await readCommand(pid) ?? "", /__supervise --standby/);
  assert.equal(
    await Deno.readLink(`/proc/${pid}/fd/2`),
    ws.path(".tend/log/tend.log"),
  );
});

Deno.test("tend start with a bad config ends its standby supervisor and leaves no .tend behind", async () => {
  await using ws = await makeTempWorkspace(
    '[[processes]]\nname = "web"\ncommand = 5\n',
  );
  const run = await tend(ws, ["start"]);
  assert.equal(run.code, 4, JSON.stringify(run));
  assert.deepEqual(await taggedWith(ws.dir), []);
  await assert.rejects(Deno.lstat(ws.path(".tend")), Deno.errors.NotFound);
});

Deno.test("a standby supervisor whose CLI dies before the go exits without touching anything", async () => {
  await using ws = await makeTempWorkspace(fixtureService("web"));
  // The CLI waits for the launch lock before it tells its standby to go.
  await Deno.mkdir(ws.path(".tend/run"), { recursive: true, mode: 0o700 });
  const launchLock = await acquireLock(ws.path(".tend/run/launch.lock"));
  assert.ok(launchLock !== null);
  try {
    const cli = spawnTend(ws, ["start"], { stdout: "null", stderr: "null" });
    let standby: number | null = null;
    try {
      await waitFor(async () => (standby = await standbyPid(ws.dir)) !== null, {
        message: "the standby supervisor",
      });
    } finally {
      cli.kill("SIGKILL");
      await cli.status;
    }
    await waitFor(() => !isAlive(standby!), {
      message: "the standby to exit once its CLI is gone",
    });
    assert.equal(await supervisorPid(ws), null);
    await assert.rejects(
      Deno.lstat(ws.path(".tend/run/tend.sock")),
      Deno.errors.NotFound,
    );
    await assert.rejects(
      Deno.lstat(ws.path(".tend/log/tend.log")),
      Deno.errors.NotFound,
    );
  } finally {
    launchLock.close();
  }
});
