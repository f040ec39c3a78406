import assert from "node:assert/strict";
import type { ServiceRunner } from "../../src/supervisor/service_runner.ts";
import { fakeService, FakeWorld } from "./_fake_runner.ts";

const CODE_1 = { code: 1, signal: null };

async function running(world: FakeWorld, runner: ServiceRunner) {
  const started = runner.start();
  const launch = await world.nextLaunch();
  launch.ready();
  assert.equal(await started, "started");
  return launch;
}

Deno.test("restartFor() stops and relaunches a running service, counted, with the cause as reason, telling hooks", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const first = await running(world, runner);
  const restarted = runner.restartFor("src/a.ts changed");
  const second = await world.nextLaunch();
  assert.deepEqual(world.endedGroups, [first.child.pid]);
  second.ready();
  assert.equal(await restarted, "restarted");
  assert.equal(runner.state, "running");
  const view = runner.view();
  assert.equal(view.pid, second.child.pid);
  assert.equal(view.restarts, 1);
  assert.equal(view.reason, "restarted: src/a.ts changed");
  assert.deepEqual(
    world.events.map((e) => [e.event, e.pid, e.exit?.signal, e.reason]),
    [
      ["ready", first.child.pid, undefined, undefined],
      ["exit", first.child.pid, "SIGTERM", undefined],
      ["restart", first.child.pid, "SIGTERM", "src/a.ts changed"],
      ["ready", second.child.pid, undefined, undefined],
    ],
  );
  assert.ok(
    world.logs.includes("info restarting {service}: {cause} (restart {n})"),
  );
  // A stop clears the reason.
  await runner.stop();
  assert.equal(runner.view().reason, null);
  assert.deepEqual(world.invalid, []);
});

Deno.test("restartFor() leaves a service its user stopped alone", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  assert.equal(await runner.restartFor("x changed"), "skipped");
  await running(world, runner);
  await runner.stop();
  assert.equal(await runner.restartFor("x changed"), "skipped");
  assert.equal(runner.state, "stopped");
  assert.deepEqual(world.invalid, []);
});

Deno.test("restartFor() brings back a failed service and cuts a backoff short", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ maxRestarts: 0 }));
  (await running(world, runner)).child.exit(CODE_1);
  await world.settle(runner);
  assert.equal(runner.state, "failed");
  const fixed = runner.restartFor("src/a.ts changed", { freshBudget: true });
  (await world.nextLaunch()).ready();
  assert.equal(await fixed, "restarted");
  assert.equal(runner.state, "running");

  const backoff = world.runner(fakeService({ name: "api" }));
  (await running(world, backoff)).child.exit(CODE_1);
  await world.settle(backoff);
  assert.equal(backoff.state, "backoff");
  const cut = backoff.restartFor("memory 600 MB > 512 MB");
  (await world.nextLaunch()).ready();
  assert.equal(await cut, "restarted");
  assert.equal(backoff.state, "running");
  world.advance(60_000);
  await world.settle(backoff);
  assert.equal(backoff.state, "running", "the old backoff timer is gone");
  assert.equal(backoff.view().restarts, 1);
  assert.deepEqual(world.invalid, []);
});
