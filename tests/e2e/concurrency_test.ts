import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  statusJson,
  taggedWith,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

const STARTS = 20;

Deno.test("tend start runs exactly one supervisor and one copy of each service under 20 concurrent starts", async () => {
  await using ws = await makeTempWorkspace();
  const markers = {
    web: ws.path("web.marker"),
    worker: ws.path("worker.marker"),
  };
  await ws.writeConfig(
    fixtureService("web", ["--marker", markers.web]) +
      fixtureService("worker", ["--marker", markers.worker]),
  );

  const runs = await Promise.all(
    Array.from({ length: STARTS }, () => tend(ws, ["start"])),
  );

  const line = (name: string) =>
    `(?:started "${name}"|"${name}" is already running) \\(pid (\\d+)\\)\\n`;
  const shape = new RegExp(`^${line("web")}${line("worker")}$`);
  for (const run of runs) {
    assertRun(run, { code: 0, stdout: shape, stderr: "" });
  }
  const reported = new Set(runs.map((run) => {
    const [, web, worker] = shape.exec(run.stdout)!;
    return `${web} ${worker}`;
  }));
  assert.equal(
    reported.size,
    1,
    `starts disagree on the pids: ${[...reported]}`,
  );
  const [webPid, workerPid] = [...reported][0]!.split(" ").map(Number);
  for (const name of ["web", "worker"]) {
    const started = runs.filter((run) =>
      run.stdout.includes(`started "${name}"`)
    );
    assert.equal(
      started.length,
      1,
      `"${name}" was started ${started.length} times`,
    );
  }

  for (const [name, pid] of [["web", webPid], ["worker", workerPid]] as const) {
    const marker = markers[name];
    await waitFor(async () => (await readPids(marker)).length > 0, {
      message: `${name} to write its marker`,
    });
    assert.deepEqual(
      await readPids(marker),
      [pid],
      `copies of ${name} that ran`,
    );
    assert.ok(isAlive(pid!));
  }

  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "running");
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status, s.pid]),
    [["web", "running", webPid], ["worker", "running", workerPid]],
  );
  // A supervisor that lost the lock race exits on its own; wait for that.
  await waitFor(
    async () =>
      (await taggedWith(ws.dir)).filter((p) => p.supervisor).length === 1,
    { message: "exactly one supervisor process" },
  );
  const tagged = await taggedWith(ws.dir);
  assert.deepEqual(
    tagged.filter((p) => p.supervisor).map((p) => p.pid),
    [status.supervisor.pid],
  );
  assert.deepEqual(
    tagged.filter((p) => !p.supervisor).map((p) => [p.service, p.pid]).sort(),
    [["web", webPid], ["worker", workerPid]],
  );
});
