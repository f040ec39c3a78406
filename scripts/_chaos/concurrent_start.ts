/**
 * Scenario 1: many concurrent `tend start` in a fresh workspace. Exactly one
 * supervisor and one process per service must result, every round, and
 * `tend down` must leave nothing tagged behind.
 */
import {
  checkAllRunning,
  makeTempWorkspace,
  markerPids,
  Recorder,
  round,
  runTend,
  type ScenarioOptions,
  type ScenarioResult,
  settle,
  sleeperService,
  summary,
  unclearOutcome,
  waitUntilNothingTagged,
} from "./common.ts";

const SERVICES = ["web", "worker"] as const;

/** Runs `rounds` rounds of `starts` concurrent `tend start`. */
export async function concurrentStarts(
  options: ScenarioOptions & { rounds: number; starts: number },
): Promise<ScenarioResult> {
  const rec = new Recorder(
    "concurrent-start",
    `${options.starts} concurrent tend start, 2 services`,
  );
  const wall: number[] = [];
  const supervisorsSeen: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    await rec.case(`round ${r + 1}`, async (fail) => {
      await using ws = await makeTempWorkspace();
      const marker = ws.path("marker");
      await ws.writeConfig(
        SERVICES.map((name) => sleeperService(name, marker)).join(""),
      );
      const started = performance.now();
      const runs = await Promise.all(
        Array.from(
          { length: options.starts },
          () => runTend(ws.dir, ["start"], { timeoutMs: 60_000 }),
        ),
      );
      wall.push(performance.now() - started);

      const codes = new Map<number, number>();
      for (const run of runs) {
        codes.set(run.code, (codes.get(run.code) ?? 0) + 1);
        const problem = unclearOutcome(run);
        if (problem !== null) fail(problem);
      }
      if ((codes.get(0) ?? 0) !== runs.length) {
        fail(`exit codes ${JSON.stringify(Object.fromEntries(codes))}`);
      }
      const startedLines = runs.map((run) =>
        (run.stdout.match(/^started "/gm) ?? []).length
      ).reduce((a, b) => a + b, 0);
      if (startedLines !== SERVICES.length) {
        fail(`${startedLines} "started" lines over all runs, want 2`);
      }

      // Supervisors that lost the lock race exit on their own.
      const problems = await settle(
        () => checkAllRunning(ws.dir, SERVICES),
        { timeoutMs: 5_000 },
      );
      for (const problem of problems) fail(problem);
      // Every supervisor that won the lock logged that it serves.
      const log = await Deno.readTextFile(ws.path(".tend/log/tend.log"))
        .catch(() => "");
      const served = (log.match(/ supervisor \d+ serving /g) ?? []).length;
      supervisorsSeen.push(served);
      if (served !== 1) fail(`${served} supervisors served (tend.log)`);
      for (const name of SERVICES) {
        const copies = await markerPids(marker, name);
        if (copies.length !== 1) {
          fail(`"${name}" ran ${copies.length} times: ${copies}`);
        }
      }

      const down = await runTend(ws.dir, ["down"]);
      if (down.code !== 0) fail(`tend down exit ${down.code}: ${down.stderr}`);
      const { survivors } = await waitUntilNothingTagged(ws.dir, 5_000);
      if (survivors.length > 0) {
        fail(`tagged processes survived tend down: ${survivors}`);
      }
      options.log(
        `  round ${r + 1}: ${round(wall.at(-1)!)} ms, ${
          supervisorsSeen.at(-1)
        } supervisor(s) served`,
      );
    });
  }
  const w = summary(wall);
  rec.figures["burst wall time median (ms)"] = w.median;
  rec.figures["burst wall time max (ms)"] = w.max;
  rec.figures["supervisors that served per round (max)"] = Math.max(
    0,
    ...supervisorsSeen,
  );
  return rec.result();
}
