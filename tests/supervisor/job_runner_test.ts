import assert from "node:assert/strict";
import { fakeService, FakeWorld, until } from "./_fake_runner.ts";

const CODE_1 = { code: 1, signal: null };
const job = (overrides = {}) =>
  fakeService({
    name: "migrate",
    type: "oneshot",
    restart: "never",
    ...overrides,
  });

Deno.test("runner: a job that exits 0 → completed with its exit time; start runs it again", async () => {
  const world = new FakeWorld();
  const runner = world.runner(job());
  const started = runner.start();
  const launch = await world.nextLaunch();
  assert.equal(runner.state, "starting");
  world.now += 1_500;
  launch.complete();
  assert.equal(await started, "started");
  await world.settle(runner);
  assert.equal(runner.state, "completed");
  const view = runner.view();
  assert.equal(view.status, "completed");
  assert.equal(view.pid, null);
  assert.deepEqual(view.lastExit, {
    code: 0,
    signal: null,
    at: new Date(world.now).toISOString(),
  });
  assert.equal(
    runner.desired,
    "stopped",
    "a later supervisor does not rerun it",
  );
  assert.equal(world.pidFiles.size, 0);
  const again = runner.start();
  (await world.nextLaunch()).complete();
  assert.equal(await again, "started");
  assert.equal(runner.state, "completed");
  assert.equal(await runner.stop(), "already-stopped");
  assert.equal(runner.state, "stopped");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a job that exits non-zero → failed with the log tail", async () => {
  const world = new FakeWorld();
  const runner = world.runner(job());
  const started = runner.start();
  (await world.nextLaunch()).exit(CODE_1);
  await assert.rejects(
    started,
    /Cannot start "migrate": exited with code 1; last lines of its log:\nboom/,
  );
  await world.settle(runner);
  assert.equal(runner.state, "failed");
  assert.deepEqual(world.invalid, []);
});

Deno.test('runner: a job under restart = "on-failure" retries with backoff, and start waits for its completion', async () => {
  const world = new FakeWorld();
  const runner = world.runner(job({ restart: "on-failure" }));
  let settled = false;
  const started = runner.start().finally(() => settled = true);
  (await world.nextLaunch()).exit(CODE_1);
  await until(() => runner.state === "backoff");
  assert.ok(!settled, "start waits while the job retries");
  world.advance(100);
  (await world.nextLaunch()).complete();
  assert.equal(await started, "started");
  assert.equal(runner.state, "completed");
  assert.equal(runner.view().restarts, 1);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a job that keeps failing fails start once max_restarts is spent", async () => {
  const world = new FakeWorld();
  const runner = world.runner(job({ restart: "on-failure", maxRestarts: 1 }));
  const started = runner.start();
  (await world.nextLaunch()).exit(CODE_1);
  await until(() => runner.state === "backoff");
  world.advance(100);
  (await world.nextLaunch()).exit(CODE_1);
  await assert.rejects(
    started,
    /restarted 1 times before it was ready \(max_restarts\); last lines of its log:\nboom/,
  );
  assert.equal(runner.state, "failed");
  assert.deepEqual(world.invalid, []);
});
