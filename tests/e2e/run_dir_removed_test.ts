import assert from "node:assert/strict";
import {
  isAlive,
  makeTempWorkspace,
  statusJson,
  supervisorPid,
  taggedProcesses,
  type TempWorkspace,
  tend,
  upService,
  WAIT_MS,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/** Two services that print "up", then sleep; both ready on that line. */
const CONFIG = upService("a") + upService("b");

/** The services' processes tagged with the workspace, by service name. */
async function servicePids(ws: TempWorkspace): Promise<string[]> {
  const tagged = await taggedProcesses(ws.dir);
  const pids: string[] = [];
  for (const info of tagged) {
    const environ = await Deno.readTextFile(`/proc/${info.pid}/environ`)
      .catch(() => "");
    const service = /(?:^|\0)TEND_SERVICE=([^\0]*)/.exec(environ)?.[1];
    if (service !== undefined) pids.push(`${service}:${info.pid}`);
  }
  return pids.sort();
}

for (const removed of [".tend", ".tend/run"]) {
  Deno.test(`a start right after ${removed} was removed under a running supervisor adopts its services, with no second copy`, async () => {
    await using ws = await makeTempWorkspace(CONFIG);
    assertRun(await tend(ws, ["start"], { deadlineMs: WAIT_MS }), {
      code: 0,
      stderr: "",
      stdout: /^started "a" .*\nstarted "b" /,
    });
    const first = (await supervisorPid(ws))!;
    const before = await servicePids(ws);
    assert.equal(before.length, 2, before.join(" "));

    // As `git clean -fdx` or an `rm -rf` would; the supervisor and its
    // services go on running with their files gone.
    await Deno.remove(ws.path(removed), { recursive: true });
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
