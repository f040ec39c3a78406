import assert from "node:assert/strict";
import { TendError } from "../../src/errors.ts";
import { fakeService, FakeWorld, until } from "./_fake_runner.ts";

const CODE_1 = { code: 1, signal: null };

function cancelled(error: unknown): boolean {
  return error instanceof TendError && error.code === "START_CANCELLED";
}

Deno.test("runner: starting + cancel → stopped: a stop cancels a start that awaits readiness", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const started = runner.start();
  const launch = await world.nextLaunch();
  assert.equal(runner.state, "starting");
  assert.equal(await runner.stop(), "stopped");
  await assert.rejects(started, cancelled);
  assert.equal(runner.state, "stopped");
  assert.equal(runner.desired, "stopped");
  assert.deepEqual(world.endedGroups, [launch.child.pid]);
  assert.ok(!launch.child.alive);
  assert.equal(world.pidFiles.size, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a reserved start that a stop overtook never launches", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const ticket = runner.reserveStart();
  assert.equal(await runner.stop(), "stopped");
  await assert.rejects(runner.start({ ticket }), cancelled);
  assert.equal(runner.state, "stopped");
  assert.equal(world.processes.size, 0, "nothing was spawned");
  // A start after the stop is a new start.
  const started = runner.start();
  (await world.nextLaunch()).ready();
  assert.equal(await started, "started");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a start that crashes before ready is retried with backoff (starting + crash → backoff + retry → starting)", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ restart: "always" }));
  const started = runner.start();
  (await world.nextLaunch()).exit(CODE_1);
  await until(() => runner.state === "backoff");
  assert.equal(runner.state, "backoff");
  assert.equal(
    runner.view().nextRestartAt,
    new Date(world.now + 100).toISOString(),
  );
  world.advance(100);
  const second = await world.nextLaunch();
  assert.equal(runner.state, "starting");
  second.ready();
  assert.equal(await started, "started");
  assert.equal(runner.state, "running");
  assert.equal(runner.view().restarts, 1);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a start fails once max_restarts retries before ready are spent", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ maxRestarts: 2 }));
  const started = runner.start();
  const failed = assert.rejects(
    started,
    /Cannot start "web": exited with code 1; restarted 2 times before it was ready \(max_restarts\)/,
  );
  (await world.nextLaunch()).exit(CODE_1);
  await until(() => runner.state === "backoff");
  world.advance(100);
  (await world.nextLaunch()).exit(CODE_1);
  await until(() => runner.state === "backoff");
  world.advance(200); // the backoff doubles
  (await world.nextLaunch()).exit(CODE_1);
  await failed;
  assert.equal(runner.state, "failed");
  assert.equal(runner.view().restarts, 2);
  assert.equal(world.pendingTimers, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: backoff + cancel → stopped: a stop during a retry before ready cancels the start", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const started = runner.start();
  (await world.nextLaunch()).exit(CODE_1);
  await until(() => runner.state === "backoff");
  assert.equal(runner.state, "backoff");
  assert.equal(await runner.stop(), "stopped");
  await assert.rejects(started, cancelled);
  assert.equal(runner.state, "stopped");
  assert.equal(world.pendingTimers, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a stop cancels a relaunch by policy that awaits readiness", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const started = runner.start();
  (await world.nextLaunch()).ready();
  await started;
  const first = world.processes.get(runner.trackedPid!)!;
  first.exit(CODE_1);
  await world.settle(runner);
  world.advance(100);
  const relaunch = await world.nextLaunch();
  assert.equal(runner.state, "starting");
  assert.equal(await runner.stop(), "stopped");
  assert.equal(runner.state, "stopped");
  assert.ok(!relaunch.child.alive);
  assert.equal(world.pendingTimers, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: retries before ready are bounded by max_restarts in all, not per restart_window", async () => {
  const world = new FakeWorld();
  // Each backoff (500 ms and more) outlasts the window: the windowed count
  // alone would never reach max_restarts.
  const runner = world.runner(
    fakeService({ maxRestarts: 2, restartWindowMs: 100, restartDelayMs: 500 }),
  );
  const started = runner.start();
  const failed = assert.rejects(
    started,
    /restarted 2 times before it was ready \(max_restarts\)/,
  );
  for (let attempt = 0; attempt < 2; attempt++) {
    (await world.nextLaunch()).exit(CODE_1);
    await until(() => runner.state === "backoff");
    world.advance(1_000);
  }
  (await world.nextLaunch()).exit(CODE_1);
  await failed;
  assert.equal(runner.state, "failed");
  assert.deepEqual(world.invalid, []);
});
