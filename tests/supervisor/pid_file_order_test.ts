import assert from "node:assert/strict";
import { servicePidFile } from "../../src/config/paths.ts";
import { realRunnerIo } from "../../src/supervisor/runner_io.ts";
import { fakeService, FakeWorld } from "./_fake_runner.ts";

const CODE_1 = { code: 1, signal: null };

Deno.test("runner: a start after a stop waits for the old PID file's removal, which then cannot take the new one", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const pidFile = servicePidFile(world.paths, "web");
  const started = runner.start();
  (await world.nextLaunch()).ready();
  assert.equal(await started, "started");
  const removal = Promise.withResolvers<void>();
  world.removalsHeld = removal.promise;
  assert.equal(await runner.stop(), "stopped");
  let launched = false;
  const next = world.nextLaunch().then((launch) => {
    launched = true;
    return launch;
  });
  const restarted = runner.start();
  // Turns of the event loop (settle would wait for the start itself).
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(!launched, "launched while the old PID file was going");
  removal.resolve();
  const launch = await next;
  assert.equal(world.pidFiles.get(pidFile), launch.child.pid);
  launch.ready();
  assert.equal(await restarted, "started");
  assert.equal(world.pidFiles.get(pidFile), launch.child.pid);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: the PID file of a crash goes at once, not held in the background, and the relaunch writes its own", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ restartDelayMs: 0 }));
  const pidFile = servicePidFile(world.paths, "web");
  const started = runner.start();
  const first = await world.nextLaunch();
  first.ready();
  assert.equal(await started, "started");
  world.removalsHeld = new Promise<void>(() => {}); // a held removal never ends
  first.child.exit(CODE_1);
  await world.settle(runner);
  assert.equal(runner.state, "backoff");
  assert.ok(!world.pidFiles.has(pidFile));
  world.advance(0);
  const second = await world.nextLaunch();
  assert.equal(world.pidFiles.get(pidFile), second.child.pid);
  second.ready();
  await world.settle(runner);
  assert.equal(runner.state, "running");
  assert.equal(runner.view().restarts, 1);
  assert.deepEqual(world.invalid, []);
});

Deno.test("realRunnerIo.setTimer(0) calls back before any timer, unless cancelled", async () => {
  const calls: string[] = [];
  const timer = new Promise<void>((resolve) =>
    setTimeout(() => {
      calls.push("setTimeout(0)");
      resolve();
    }, 0)
  );
  realRunnerIo.setTimer(0, () => calls.push("soon"));
  const cancel = realRunnerIo.setTimer(0, () => calls.push("cancelled"));
  cancel();
  await timer;
  assert.deepEqual(calls, ["soon", "setTimeout(0)"]);
});
