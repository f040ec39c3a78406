import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  statusJson,
  tend,
  waitFor,
  waitForService,
} from "../_helpers.ts";

/** A job every 2 s (seconds field) whose run takes 3 s: every other tick overlaps. */
function slowJob(marker: string): string {
  return fixtureService(
    "job",
    ["--marker", marker, "--exit", "0", "--after", "3000"],
    'schedule = "*/2 * * * * *"\nmin_ready = "200ms"',
  );
}

Deno.test("a schedule with a seconds field runs the job on its ticks and skips a tick while a run still runs", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("job.marker");
  await ws.writeConfig(slowJob(marker));

  const start = await tend(ws, ["start"]);
  assert.equal(start.code, 0, JSON.stringify(start));
  assert.doesNotMatch(
    start.stdout + start.stderr,
    /"job"/,
    "tend start leaves it to its first tick",
  );
  const idle = (await statusJson(ws)).services[0]!;
  // The first tick (every 2 s) may already have come: its status is not asserted.
  assert.equal(idle.schedule?.cron, "*/2 * * * * *");
  assert.equal(idle.schedule?.overlap, "skip");
  assert.ok(idle.schedule?.nextRunAt, "a next run is due");

  const skipped = await waitForService(
    ws,
    "job",
    (s) => (s.schedule?.skipped ?? 0) >= 1,
    { message: "an overlapping tick to be skipped", timeoutMs: 20_000 },
  );
  assert.equal(skipped.schedule?.overlap, "skip");
  await waitFor(async () => (await readLines(marker)).length >= 2, {
    message: "a second run after the skipped tick",
    timeoutMs: 20_000,
  });
  const [first, second] = (await readLines(marker)).map((line) =>
    Number(line.split(" ")[0])
  );
  assert.notEqual(first, second);
  assert.ok(
    !isAlive(first!),
    "runs never overlap: the first ended before the second",
  );

  const done = await waitForService(
    ws,
    "job",
    (s) =>
      s.schedule?.lastResult === "ok" || s.schedule?.lastResult === "running",
  );
  assert.ok(done.schedule?.lastRunAt, "the last run is shown");
  const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
  assert.match(log, /"job": still running: this run is skipped/);
  const table = await tend(ws, ["status"]);
  assert.match(
    table.stdout,
    /^job: schedule "\*\/2 \* \* \* \* \*": last run \d\d:\d\d:\d\d \S+.*, next \d\d:\d\d:\d\d, \d+ skipped \(overlap\)$/m,
  );

  const down = await tend(ws, ["down"]);
  assert.equal(down.code, 0, JSON.stringify(down));
  // down returns once the supervisor exited: no scheduler is left to tick.
  for (const line of await readLines(marker)) {
    assert.ok(!isAlive(Number(line.split(" ")[0])), "down ended every run");
  }
});

Deno.test("a scheduled job named explicitly starts at once", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("job.marker");
  await ws.writeConfig(fixtureService(
    "job",
    ["--marker", marker],
    'schedule = "0 0 1 1 *"\ntimezone = "Europe/Paris"',
  ));
  const start = await tend(ws, ["start", "job"]);
  assert.equal(start.code, 0, JSON.stringify(start));
  assert.match(start.stdout, /^started "job" \(pid \d+\)$/m);
  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "running");
  assert.equal(view.schedule?.timezone, "Europe/Paris");
  assert.match(view.schedule?.nextRunAt ?? "", /-12-31T23:00:00\.000Z$/);
  assert.equal((await tend(ws, ["down"])).code, 0);
});
