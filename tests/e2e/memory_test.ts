import assert from "node:assert/strict";
import { fromFileUrl } from "../_path.ts";
import {
  denoFixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  readPids,
  tend,
  waitForLines,
  waitForService,
} from "../_helpers.ts";

const HOG_FIXTURE = fromFileUrl(
  new URL("../fixtures/hog.ts", import.meta.url),
);

Deno.test("a service whose process group stays above max_memory is restarted, and status says why", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const hogMarker = ws.path("hog");
  const smallMarker = ws.path("small");
  const limits = 'max_memory = "150MB"\ncheck_interval = "300ms"\n' +
    'min_ready = "100ms"';
  // Two processes of ~100 MB each: either alone is under the limit, the
  // group is over it. Restarted, it holds nothing (else it is restarted
  // again and again, and a status may come while it starts once more).
  await ws.writeConfig(
    denoFixtureService("hog", HOG_FIXTURE, {
      args: [
        ...["--mb", "60", "--children", "1", "--marker", hogMarker],
        ...["--calm-after", "2"],
      ],
      extra: limits,
    }) +
      denoFixtureService("small", HOG_FIXTURE, {
        args: ["--mb", "10", "--marker", smallMarker],
        extra: limits,
      }),
  );
  assert.equal((await tend(ws, ["start"])).code, 0);
  await waitForLines(hogMarker, 2);
  await waitForLines(smallMarker, 1);
  const first = (await readPids(hogMarker)).slice(0, 2);

  const view = await waitForService(
    ws,
    "hog",
    (s) => s.restarts >= 1 && s.status === "running",
    { timeoutMs: 30_000, message: '"hog" restarted for its memory' },
  );
  const reason = /^restarted: memory (\d+) MB > 150 MB$/.exec(
    view.reason ?? "",
  );
  assert.ok(reason, JSON.stringify(view));
  assert.ok(Number(reason[1]) > 150, view.reason!);
  assert.ok(!first.includes(view.pid!), "a new process runs");
  for (const pid of first) assert.ok(!isAlive(pid), `old ${pid} still runs`);
  const log = await readLines(ws.path(".tend/log/tend.log"));
  assert.ok(
    log.some((line) =>
      /INFO {2}restarting "hog": memory \d+ MB > 150 MB \(restart 1\)$/.test(
        line,
      )
    ),
    log.join("\n"),
  );
  const small = await waitForService(ws, "small", () => true);
  assert.equal(small.restarts, 0, "a service under its limit is left alone");
  assert.equal(small.status, "running");
  const table = await tend(ws, ["status"]);
  assert.match(table.stdout, /^hog .* \(restarted: memory \d+ MB > 150 MB\)$/m);
  assert.equal((await tend(ws, ["down"])).code, 0);
});
