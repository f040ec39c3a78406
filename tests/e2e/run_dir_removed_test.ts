import assert from "node:assert/strict";
import {
  isAlive,
  makeTempWorkspace,
  statusJson,
  supervisorPid,
  taggedProcesses,
  taggedWith,
  type TempWorkspace,
  tend,
  upService,
  WAIT_MS,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/** Two services that print "up", then sleep; both ready on that line. */
const CONFIG = upService("a") + upService("b");

/** The services' processes tagged with the workspace, as `name:pid`. */
async function servicePids(ws: TempWorkspace): Promise<string[]> {
  return (await taggedWith(ws.dir)).flatMap((p) =>
    p.service === null ? [] : [`${p.service}:${p.pid}`]
  ).sort();
}

/**
 * Starts the two services, then removes `removed` under the running
 * supervisor, as `git clean -fdx` or an `rm -rf` would: the supervisor and
 * its services go on running with their files gone. Returns the services'
 * `name:pid` and the supervisor's pid.
 */
async function startThenRemove(
  ws: TempWorkspace,
  removed: string,
): Promise<{ before: string[]; first: number }> {
  assertRun(await tend(ws, ["start"], { deadlineMs: WAIT_MS }), {
    code: 0,
    stderr: "",
    stdout: /^started "a" .*\nstarted "b" /,
  });
  const first = (await supervisorPid(ws))!;
  const before = await servicePids(ws);
  assert.equal(before.length, 2, before.join(" "));
  await Deno.remove(ws.path(removed), { recursive: true });
  return { before, first };
}

for (const removed of [".tend", ".tend/run"]) {
  Deno.test(`a start right after ${removed} was removed under a running supervisor adopts its services, with no second copy`, async () => {
    await using ws = await makeTempWorkspace(CONFIG);
    const { before, first } = await startThenRemove(ws, removed);
    assertRun(await tend(ws, ["start"], { deadlineMs: WAIT_MS }), {
      code: 0,
      stderr: "",
      stdout: /^"a" is already running .*\n"b" is already running /,
    });

    assert.deepEqual(await servicePids(ws), before, "no second copy");
    const status = await statusJson(ws);
    assert.deepEqual(
      status.services.map((s) => `${s.name}:${s.pid}`).sort(),
      before,
    );
    const second = await supervisorPid(ws);
    assert.notEqual(second, first);
    assert.ok(!isAlive(first), "the first supervisor stepped down");
    assertRun(await tend(ws, ["down"], { deadlineMs: WAIT_MS }), {
      code: 0,
      stdout: /^/,
      stderr: /^/,
    });
    assert.deepEqual(await servicePids(ws), []);
  });
}

Deno.test("status, stop and down after .tend/run was removed under a running supervisor act on what runs", async (t) => {
  await t.step(
    "status shows the services that run, with their PIDs",
    async () => {
      await using ws = await makeTempWorkspace(CONFIG);
      const { before, first } = await startThenRemove(ws, ".tend/run");
      const status = await statusJson(ws);
      assert.equal(status.supervisor.status, "running");
      assert.deepEqual(
        status.services.map((s) => `${s.name}:${s.status}:${s.pid}`).sort(),
        before.map((p) => p.replace(":", ":running:")),
      );
      assert.ok(!isAlive(first), "the first supervisor stepped down");
      assert.deepEqual(await servicePids(ws), before, "no second copy");
    },
  );

  await t.step(
    "stop stops the named service, and says who took over",
    async () => {
      await using ws = await makeTempWorkspace(CONFIG);
      const { before } = await startThenRemove(ws, ".tend/run");
      const stopped = await tend(ws, ["stop", "a"], { deadlineMs: WAIT_MS });
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stdout, /^stopped "a"/);
      assert.match(stopped.stderr, /took over its services/);
      assert.deepEqual(
        await servicePids(ws),
        before.filter((p) => p.startsWith("b:")),
      );
    },
  );

  await t.step("down stops every service and the supervisor", async () => {
    await using ws = await makeTempWorkspace(CONFIG);
    await startThenRemove(ws, ".tend/run");
    const down = await tend(ws, ["down"], { deadlineMs: WAIT_MS });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /stopped "a"/);
    assert.match(down.stdout, /stopped "b"/);
    assert.match(down.stderr, /took over its services/);
    assert.deepEqual(await taggedProcesses(ws.dir), [], "nothing left");
  });
});
