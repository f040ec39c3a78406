import assert from "node:assert/strict";
import { LaunchRecords } from "../../src/supervisor/launch_record.ts";

const EXIT_1 = { code: 1, signal: null };

Deno.test("LaunchRecords: an exit while the launch awaits readiness is parked and handed back", () => {
  const records = new LaunchRecords();
  const generation = records.begin("spawning");
  assert.equal(records.current.phase, "spawning");
  records.spawned(generation);
  assert.equal(records.current.phase, "waiting-ready");
  assert.equal(records.route(generation, EXIT_1), "parked");
  assert.deepEqual(records.launched(generation), EXIT_1);
  assert.equal(records.current.phase, "up");
  assert.equal(records.route(generation, EXIT_1), "handle");
  assert.ok(records.settle(generation));
  assert.equal(records.route(generation, EXIT_1), "settled");
});

Deno.test("LaunchRecords: a launch that settled its own failure ignores the parked exit", () => {
  const records = new LaunchRecords();
  const generation = records.begin("spawning");
  records.spawned(generation);
  assert.equal(records.route(generation, EXIT_1), "parked");
  assert.ok(records.settle(generation));
  assert.equal(records.launched(generation), null);
  assert.equal(records.current.phase, "settled");
});

Deno.test("LaunchRecords: stop and exit race, the second report is ignored", () => {
  const records = new LaunchRecords();
  const generation = records.begin("up");
  assert.ok(records.settle(generation));
  assert.ok(!records.settle(generation));
  assert.equal(records.route(generation, EXIT_1), "settled");
});

Deno.test("LaunchRecords: the exit of an earlier generation is stale", () => {
  const records = new LaunchRecords();
  const first = records.begin("up");
  records.settle(first);
  const second = records.begin("spawning");
  assert.equal(second, first + 1);
  assert.ok(!records.isCurrent(first));
  assert.equal(records.route(first, EXIT_1), "stale");
  assert.ok(!records.settle(first));
  assert.equal(records.launched(first), null);
  records.spawned(first);
  assert.equal(records.current.phase, "spawning");
});
