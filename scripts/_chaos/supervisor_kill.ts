/**
 * Scenario 2: SIGKILL of the supervisor at a random moment of a `start`,
 * `stop` or `restart`, then `tend start`. Afterwards: no duplicate, no
 * orphan, status consistent with the processes, every service running.
 */
import {
  checkAllRunning,
  firstLine,
  killSupervisor,
  makeTempWorkspace,
  orphansOf,
  Recorder,
  round,
  runTend,
  type ScenarioOptions,
  type ScenarioResult,
  settle,
  sleep,
  sleeperService,
  snapshot,
  summary,
  supervisorPidFile,
  unclearOutcome,
  waitUntilNothingTagged,
} from "./common.ts";

const SERVICES = ["api", "db", "worker"] as const;
const MAX_DELAY_MS = 300;

/** Runs `rounds` kill rounds in one workspace. */
export async function supervisorKills(
  options: ScenarioOptions & { rounds: number },
): Promise<ScenarioResult> {
  const { rng } = options;
  const rec = new Recorder(
    "supervisor-sigkill",
    "SIGKILL of the supervisor during start/stop/restart",
  );
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    sleeperService("db", marker) +
      sleeperService("api", marker, 'depends_on = ["db"]') +
      sleeperService("worker", marker, 'restart = "always"'),
  );
  const first = await runTend(ws.dir, ["start"]);
  if (first.code !== 0) {
    throw new Error(`the first tend start failed: ${first.stderr}`);
  }
  const ops = new Map<string, number>();
  const opCodes = new Map<string, number>();
  const recovery: number[] = [];
  let killsLanded = 0;
  let killedAfterOp = 0;
  let orphansSeen = 0;

  for (let r = 0; r < options.rounds; r++) {
    const op = rng.pick(["start", "stop", "restart"] as const);
    const names = rng.next() < 0.3 ? [] : rng.subset(SERVICES);
    // A "cold" start: no supervisor runs, so the start launches one and
    // that one is killed.
    const cold = op === "start" && rng.next() < 0.4;
    const delay = rng.int(MAX_DELAY_MS + 1);
    const label = `round ${r + 1} (${cold ? "cold " : ""}${op} ${
      names.join(" ") || "all"
    }, kill at ${delay} ms)`;
    ops.set(op, (ops.get(op) ?? 0) + 1);
    await rec.case(label, async (fail) => {
      const before = await supervisorPidFile(ws.dir);
      if (cold && before !== null) {
        await killSupervisor(ws.dir, before);
        await settle(async () =>
          (await snapshot(ws.dir)).supervisors.length === 0 ? [] : ["alive"]
        );
      }
      const opRun = runTend(ws.dir, [op, ...names], { timeoutMs: 30_000 });
      let opDone = false;
      opRun.then(() => opDone = true, () => opDone = true);
      await sleep(delay);
      // The supervisor to kill: the one supervisor.pid names once it
      // exists (for a cold start, the new one), checked by its tag.
      let victim: number | null = null;
      const deadline = Date.now() + 3_000;
      while (victim === null && Date.now() < deadline) {
        const pid = await supervisorPidFile(ws.dir);
        const sups = (await snapshot(ws.dir)).supervisors.map((p) => p.pid);
        if (pid !== null && sups.includes(pid) && !(cold && pid === before)) {
          victim = pid;
        } else await sleep(10);
      }
      if (victim !== null && await killSupervisor(ws.dir, victim)) {
        killsLanded++;
        if (opDone) killedAfterOp++;
      }
      const run = await opRun;
      const key = `${op}:${run.code}`;
      opCodes.set(key, (opCodes.get(key) ?? 0) + 1);
      const problem = unclearOutcome(run);
      if (problem !== null) fail(`interrupted ${problem}`);

      const t0 = performance.now();
      const start = await runTend(ws.dir, ["start"], { timeoutMs: 30_000 });
      if (start.code !== 0) {
        fail(
          `tend start after the kill: exit ${start.code}: ${
            firstLine(start.stderr)
          }`,
        );
      }
      const problems = await settle(
        () => checkAllRunning(ws.dir, SERVICES),
        { timeoutMs: 5_000 },
      );
      recovery.push(performance.now() - t0);
      for (const p of problems) fail(p);
      const orphans = await orphansOf(ws.dir);
      if (typeof orphans === "string") fail(orphans);
      else if (orphans.length > 0) {
        orphansSeen += orphans.length;
        fail(`orphans: ${orphans}`);
      }
      options.log(
        `  ${label}: ${op} exit ${run.code}${
          run.code === 0 ? "" : ` (${firstLine(run.stderr)})`
        }, ${problems.length === 0 ? "consistent" : problems.join("; ")}`,
      );
    });
  }

  const down = await runTend(ws.dir, ["down"]);
  await rec.case("final tend down", async (fail) => {
    if (down.code !== 0) fail(`tend down exit ${down.code}: ${down.stderr}`);
    const { survivors } = await waitUntilNothingTagged(ws.dir, 5_000);
    if (survivors.length > 0) fail(`survivors after down: ${survivors}`);
  });
  const rs = summary(recovery);
  rec.figures["ops (start/stop/restart)"] = ["start", "stop", "restart"]
    .map((op) => ops.get(op) ?? 0).join("/");
  rec.figures["kills landed"] = killsLanded;
  rec.figures["kills after the op had returned"] = killedAfterOp;
  rec.figures["interrupted op exits"] = [...opCodes].sort().map(([k, n]) =>
    `${k}×${n}`
  ).join(" ");
  rec.figures["recovery start+consistent median (ms)"] = rs.median;
  rec.figures["recovery max (ms)"] = round(rs.max);
  rec.figures["orphans found"] = orphansSeen;
  return rec.result();
}
