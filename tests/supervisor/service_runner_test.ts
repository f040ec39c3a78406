import assert from "node:assert/strict";
import { servicePidFile } from "../../src/config/paths.ts";
import { logInvalidTransition } from "../../src/supervisor/runner_io.ts";
import { emptyRecord } from "../../src/workspace/state_file.ts";
import type { ServiceRunner } from "../../src/supervisor/service_runner.ts";
import { fakeService, FakeWorld } from "./_fake_runner.ts";

const CODE_0 = { code: 0, signal: null };
const CODE_1 = { code: 1, signal: null };

/** A runner of `web` brought to running; the world and its launch. */
async function running(world: FakeWorld, runner: ServiceRunner) {
  const started = runner.start();
  const launch = await world.nextLaunch();
  launch.ready();
  assert.equal(await started, "started");
  assert.equal(runner.state, "running");
  return launch;
}

Deno.test("runner: stopped + start → starting, + ready → running", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const started = runner.start();
  const launch = await world.nextLaunch();
  assert.equal(runner.state, "starting");
  assert.equal(runner.trackedPid, launch.child.pid);
  assert.equal(
    world.pidFiles.get(servicePidFile(world.paths, "web")),
    launch.child.pid,
  );
  launch.ready();
  assert.equal(await started, "started");
  assert.equal(runner.state, "running");
  assert.equal(runner.view().pid, launch.child.pid);
  assert.equal(await runner.start(), "already-running");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a start that exits before ready → failed (launch-failed); failed + start → starting", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ restart: "never" }));
  const started = runner.start();
  (await world.nextLaunch()).exit(CODE_1);
  await assert.rejects(started, /Cannot start "web": exited with code 1/);
  await world.settle(runner);
  assert.equal(runner.state, "failed");
  assert.equal(runner.view().reason, "exited with code 1");
  assert.equal(runner.view().lastExit?.code, 1);
  assert.equal(world.pendingTimers, 0, "the parked exit is not decided");
  await running(world, runner);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a start that times out ends the group → failed", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const started = runner.start();
  const launch = await world.nextLaunch();
  launch.timeout();
  await assert.rejects(started, /not ready after 5 s/);
  await world.settle(runner);
  assert.deepEqual(world.endedGroups, [launch.child.pid]);
  assert.equal(runner.state, "failed");
  assert.equal(world.pidFiles.size, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a launch that throws before spawning → failed with its message", async () => {
  const world = new FakeWorld();
  world.launchError = new Error("no such command");
  const runner = world.runner();
  await assert.rejects(runner.start(), /no such command/);
  assert.equal(runner.state, "failed");
  assert.equal(runner.view().reason, "no such command");
  assert.equal(runner.view().lastExit, null);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: running + crash → backoff, + retry → starting → running", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const first = await running(world, runner);
  first.child.exit(CODE_1);
  await world.settle(runner);
  assert.equal(runner.state, "backoff");
  assert.equal(
    runner.view().nextRestartAt,
    new Date(world.now + 100).toISOString(),
  );
  world.advance(99);
  assert.equal(runner.state, "backoff");
  world.advance(1);
  const second = await world.nextLaunch();
  assert.equal(runner.state, "starting");
  second.ready();
  await world.settle(runner);
  assert.equal(runner.state, "running");
  assert.equal(runner.view().restarts, 1);
  assert.equal(runner.view().nextRestartAt, null);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: running + exit → stopped (success under on-failure)", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  (await running(world, runner)).child.exit(CODE_0);
  await world.settle(runner);
  assert.equal(runner.state, "stopped");
  assert.equal(runner.view().lastExit?.code, 0);
  assert.equal(world.pidFiles.size, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: running + fail → failed (restart = never)", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ restart: "never" }));
  (await running(world, runner)).child.exit(CODE_1);
  await world.settle(runner);
  assert.equal(runner.state, "failed");
  assert.equal(runner.view().reason, "exited with code 1");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: backoff + start → starting; backoff + stop → stopped and no retry", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  (await running(world, runner)).child.exit(CODE_1);
  await world.settle(runner);
  assert.equal(runner.state, "backoff");
  await running(world, runner);
  assert.equal(world.pendingTimers, 0, "the start cancelled the backoff");

  const other = new FakeWorld();
  const stopping = other.runner();
  (await running(other, stopping)).child.exit(CODE_1);
  await other.settle(stopping);
  assert.equal(await stopping.stop(), "stopped");
  assert.equal(stopping.state, "stopped");
  assert.equal(other.pendingTimers, 0);
  assert.deepEqual([...world.invalid, ...other.invalid], []);
});

Deno.test("runner: stopped + stop and failed + stop → stopped (already-stopped)", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  assert.equal(await runner.stop(), "already-stopped");
  world.launchError = new Error("nope");
  await assert.rejects(runner.start());
  assert.equal(runner.state, "failed");
  assert.equal(await runner.stop(), "already-stopped");
  assert.equal(runner.state, "stopped");
  assert.equal(runner.view().reason, "nope");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: running + stop → stopping → stopped; the exit the stop causes is not decided", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const launch = await running(world, runner);
  assert.equal(await runner.stop(), "stopped");
  await world.settle(runner);
  assert.equal(runner.state, "stopped");
  assert.equal(runner.desired, "stopped");
  assert.deepEqual(world.endedGroups, [launch.child.pid]);
  assert.equal(runner.view().lastExit?.signal, "SIGTERM");
  assert.equal(world.pidFiles.size, 0);
  assert.equal(world.pendingTimers, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: a relaunch by policy that exits is decided: starting + crash / exit / fail", async (t) => {
  const cases = [
    { exit: CODE_1, max: 5, expected: "backoff" },
    { exit: CODE_0, max: 5, expected: "stopped" },
    { exit: CODE_1, max: 1, expected: "failed" },
  ] as const;
  for (const { exit, max, expected } of cases) {
    await t.step(
      `exit ${exit.code}, max_restarts ${max} → ${expected}`,
      async () => {
        const world = new FakeWorld();
        const runner = world.runner(fakeService({ maxRestarts: max }));
        // As recovery does: no live process, but the user wanted it up.
        await runner.adopt({ ...emptyRecord(), desired: "running" });
        const revived = runner.revive();
        (await world.nextLaunch()).exit(exit);
        await revived;
        await world.settle(runner);
        assert.equal(runner.state, expected);
        assert.equal(runner.view().restarts, 1);
        assert.deepEqual(world.invalid, []);
      },
    );
  }
});

Deno.test("runner: stopped + adopt → running; a check that finds it dead decides it", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ restart: "always" }));
  const identity = world.stranger();
  const adopted = await runner.adopt({
    ...emptyRecord(),
    desired: "running",
    identity,
  });
  assert.ok(adopted);
  assert.equal(runner.state, "running");
  assert.equal(runner.trackedPid, identity.pid);
  world.tick();
  await world.settle(runner);
  assert.equal(runner.state, "running", "alive: nothing happens");
  world.processes.get(identity.pid)?.exit(CODE_0);
  world.tick();
  await world.settle(runner);
  assert.equal(runner.state, "backoff");
  assert.deepEqual(runner.view().lastExit?.code, null);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: adopt refuses a record whose process is gone", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const identity = world.stranger();
  world.processes.get(identity.pid)?.exit(CODE_0);
  assert.ok(
    !await runner.adopt({ ...emptyRecord(), desired: "running", identity }),
  );
  assert.equal(runner.state, "stopped");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: adopted while the user wanted it down, its exit leaves it stopped", async () => {
  const world = new FakeWorld();
  const runner = world.runner(fakeService({ restart: "always" }));
  const identity = world.stranger();
  await runner.adopt({ ...emptyRecord(), desired: "stopped", identity });
  world.processes.get(identity.pid)?.exit(CODE_0);
  world.tick();
  await world.settle(runner);
  assert.equal(runner.state, "stopped");
  assert.equal(world.pendingTimers, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: an exit while the launch awaits readiness is handled once the launch returned", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const started = runner.start();
  const launch = await world.nextLaunch();
  launch.child.exit(CODE_1); // parked: the launch has not seen it
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(runner.state, "starting");
  launch.ready(); // the readiness check won the race
  assert.equal(await started, "started");
  await world.settle(runner);
  assert.equal(runner.state, "backoff");
  assert.equal(runner.view().lastExit?.code, 1);
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: the exit of an earlier generation is ignored", async () => {
  const world = new FakeWorld();
  world.endGroupKills = false; // the timed-out child outlives its launch
  const runner = world.runner();
  const started = runner.start();
  const old = await world.nextLaunch();
  old.timeout();
  await assert.rejects(started);
  world.endGroupKills = true;
  await running(world, runner);
  old.child.exit(CODE_1);
  await world.settle(runner);
  assert.equal(runner.state, "running");
  assert.deepEqual(world.invalid, []);
});

Deno.test("runner: an exit decided after a stop and a new start leaves the new process alone", async () => {
  const world = new FakeWorld();
  const runner = world.runner();
  const first = await running(world, runner);
  const gate = Promise.withResolvers<void>();
  void runner.serialize(() => gate.promise); // holds the queue
  const stopped = runner.stop();
  const started = runner.start();
  first.child.exit(CODE_1); // its decision queues behind the stop and start
  await new Promise((resolve) => setTimeout(resolve, 0));
  gate.resolve();
  assert.equal(await stopped, "stopped");
  (await world.nextLaunch()).ready();
  assert.equal(await started, "started");
  await world.settle(runner);
  assert.equal(runner.state, "running");
  assert.equal(world.pendingTimers, 0);
  assert.deepEqual(world.invalid, []);
});

Deno.test("logInvalidTransition() logs the bug with service, state and event", () => {
  const lines: [string, Record<string, unknown> | undefined][] = [];
  const log = {
    info() {},
    warn() {},
    error: (message: string, properties?: Record<string, unknown>) =>
      lines.push([message, properties]),
  };
  logInvalidTransition(log)({
    service: "web",
    state: "stopping",
    event: "start",
  });
  assert.deepEqual(lines, [[
    "bug: {service} got event {event} in state {state}; ignored it",
    { service: "web", state: "stopping", event: "start" },
  ]]);
});
