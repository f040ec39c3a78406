import assert from "node:assert/strict";
import { workspacePaths } from "../../src/config/paths.ts";
import { stopLeftovers } from "../../src/client/down_leftovers.ts";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  spawnTend,
  statusJson,
  supervisorPid,
  tend,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";

Deno.test("tend start issued while tend down is in flight waits for a new supervisor and starts the service there", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const marker = ws.path("web.marker");
  await ws.writeConfig(
    // slow ignores SIGTERM: down's stop waits its stop_timeout.
    fixtureService(
      "slow",
      ["--ignore-term", "--marker", ws.path("slow.marker")],
      'stop_timeout = "3s"',
    ) +
      fixtureService("web", ["--marker", marker]),
  );
  const up = await tend(ws, ["start"]);
  assert.equal(up.code, 0, JSON.stringify(up));
  // slow writes its marker once it ignores SIGTERM: a SIGTERM that came
  // sooner (min_ready is 100 ms, a loaded machine boots deno slower) would
  // end it at once, and down would never be seen stopping it.
  await waitForLines(ws.path("slow.marker"), 1);
  const first = await supervisorPid(ws);

  const down = spawnTend(ws, ["down"]);
  const downDone = down.output();
  await waitForService(ws, "slow", (s) => s.status === "stopping", {
    message: "down to be stopping slow",
  });
  const started = await tend(ws, ["start", "web"]);
  const downResult = await downDone;
  assert.equal(downResult.code, 0, "down succeeded");
  assert.equal(started.code, 0, JSON.stringify(started));
  assert.match(started.stdout + started.stderr, /started "web"/);

  // The start is not undone by the shutdown: web runs under a new supervisor.
  const status = await statusJson(ws);
  assert.equal(status.supervisor.status, "running");
  assert.notEqual(status.supervisor.pid, first);
  const web = status.services.find((s) => s.name === "web")!;
  assert.equal(web.status, "running", JSON.stringify(web));
  // Started is up for min_ready: its marker may come a moment later.
  await waitFor(async () => (await readPids(marker)).includes(web.pid!), {
    message: "the new web to write its marker",
  });
  const pids = await readPids(marker);
  assert.equal(web.pid, pids.at(-1));
});

Deno.test("after its supervisor exited, down stops what state.json still records as running", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  assert.equal((await tend(ws, ["start"])).code, 0);
  await waitForLines(marker, 1);
  // The state a start racing the shutdown left: the supervisor is gone,
  // web runs on, recorded in state.json.
  assert.equal((await tend(ws, ["shutdown"])).code, 0);
  const [pid] = await readPids(marker);
  assert.ok(isAlive(pid!));
  const location = { root: ws.dir, configFile: ws.path("tend.toml") };
  const results = await stopLeftovers({
    ...location,
    paths: workspacePaths(ws.dir),
  });
  assert.deepEqual(results.map((r) => [r.name, r.action]), [
    ["web", "stopped"],
  ]);
  await waitFor(() => !isAlive(pid!), { message: "web to be ended" });
});
