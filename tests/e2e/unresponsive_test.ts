import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  statusJson,
  supervisorPid,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertHumanError, assertRun } from "./_assert.ts";

/** `FsFile.lock(exclusive)`: an exclusive lock, as tend's own. */
const EXCLUSIVE = true;

/** Starts services "a" and "b"; returns their pids and the supervisor's. */
async function startTwo(
  ws: TempWorkspace,
): Promise<{ a: number; b: number; supervisor: number }> {
  await ws.writeConfig(fixtureService("a", []) + fixtureService("b", []));
  const start = await tend(ws, ["start"]);
  assertRun(start, {
    code: 0,
    stderr: "",
    stdout: /^started "a" \(pid \d+\)\nstarted "b" \(pid \d+\)\n$/,
  });
  const [a, b] = [...start.stdout.matchAll(/pid (\d+)/g)].map((m) =>
    Number(m[1])
  );
  const supervisor = await supervisorPid(ws);
  assert.ok(supervisor !== null && isAlive(supervisor));
  return { a: a!, b: b!, supervisor };
}

/** Stops `pid` with SIGSTOP and waits until it is stopped (state T). */
async function freeze(pid: number): Promise<void> {
  Deno.kill(pid, "SIGSTOP");
  await waitFor(async () => {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T");
  }, { message: `pid ${pid} to stop` });
}

Deno.test("tend down ends a SIGSTOPped supervisor by identity, then stops its services itself", async () => {
  await using ws = await makeTempWorkspace();
  const { a, b, supervisor } = await startTwo(ws);
  await freeze(supervisor);

  assertRun(await tend(ws, ["down"]), {
    code: 0,
    stdout: 'stopped "a"\nstopped "b"\n',
    stderr: new RegExp(
      `^the supervisor \\(pid ${supervisor}\\) did not answer; ended it with SIG(TERM|KILL)\\n$`,
    ),
  });
  for (const pid of [supervisor, a, b]) {
    assert.ok(!isAlive(pid), `pid ${pid} survived tend down`);
  }
  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "stopped");
  assert.deepEqual(status.services.map((s) => s.status), [
    "stopped",
    "stopped",
  ]);
});

Deno.test("tend stop NAME ends a SIGSTOPped supervisor, then stops that service only", async () => {
  await using ws = await makeTempWorkspace();
  const { a, b, supervisor } = await startTwo(ws);
  await freeze(supervisor);

  assertRun(await tend(ws, ["stop", "a"]), {
    code: 0,
    stdout: 'stopped "a"\n',
    stderr: new RegExp(
      `^the supervisor \\(pid ${supervisor}\\) did not answer; ended it with SIG(TERM|KILL)\\n$`,
    ),
  });
  assert.ok(!isAlive(supervisor) && !isAlive(a));
  assert.ok(isAlive(b), "b was stopped too");
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.pid]),
    [["a", "stopped", null], ["b", "running", b]],
  );
});

Deno.test("a lock held by a process that is no tend supervisor is LOCK_FAILED naming it, at once", async (t) => {
  await using ws = await makeTempWorkspace(fixtureService("a", []));
  await Deno.mkdir(ws.path(".tend/run"), { recursive: true, mode: 0o700 });
  using lock = await Deno.open(ws.path(".tend/run/supervisor.lock"), {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  await lock.lock(EXCLUSIVE);
  const message = new RegExp(
    `^Cannot [a-z ]+ "${ws.dir}": ".*supervisor\\.lock" is locked by pid ${Deno.pid} \\(.+\\), which is not a tend supervisor$`,
  );
  for (const command of [["stop"], ["down"], ["start"]]) {
    await t.step(command.join(" "), async () => {
      const began = Date.now();
      assertHumanError(await tend(ws, command), { code: 1, message });
      const tookMs = Date.now() - began;
      assert.ok(tookMs < 10_000, `${command} took ${tookMs} ms`);
    });
  }
  await lock.unlock();
});
