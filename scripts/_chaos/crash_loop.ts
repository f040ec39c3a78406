/**
 * Scenario 5: crash-looping services. Five services exit 1 at once on every
 * restart (the first run stays up 500 ms so that `tend start` sees them
 * ready; after that each run fails immediately), with restart = "always",
 * restart_delay "10ms", restart_delay_max "200ms", max_restarts 1000.
 * Over the window the supervisor's CPU (utime + stime from /proc) must stay
 * under the budget, and `tend status` must answer within 1 s (or the
 * statusBudgetMs given) every time it is asked (every 500 ms).
 */
import {
  cpuTicks,
  firstLine,
  makeTempWorkspace,
  Recorder,
  round,
  runTend,
  type ScenarioOptions,
  type ScenarioResult,
  sleep,
  summary,
  supervisorPidFile,
  teardown,
  unclearOutcome,
  waitUntilNothingTagged,
} from "./common.ts";

const CLK_TCK = 100;

function crashingService(name: string, flag: string): string {
  return `[[processes]]
name = ${JSON.stringify(name)}
command = "sh"
args = ["-c", "[ -e \\"$0\\" ] && exit 1; : > \\"$0\\"; sleep 0.5; exit 1", ${
    JSON.stringify(flag)
  }]
restart = "always"
restart_delay = "10ms"
restart_delay_max = "200ms"
max_restarts = 1000
min_ready = "100ms"
`;
}

/** Watches `services` crash-looping for `seconds`. */
export async function crashLoop(
  options: ScenarioOptions & {
    seconds: number;
    services: number;
    cpuBudgetPercent: number;
    /**
     * The longest a `tend status` run may take (1 s by default). The tests
     * give more: a CLI run on a loaded machine is slow for reasons of its
     * own, and they assert that status answers, not how fast.
     */
    statusBudgetMs?: number;
  },
): Promise<ScenarioResult> {
  const rec = new Recorder(
    "crash-loop",
    `${options.services} crash-looping services, status every 500 ms`,
  );
  const statusBudgetMs = options.statusBudgetMs ?? 1_000;
  await using ws = await makeTempWorkspace();
  const names = Array.from({ length: options.services }, (_, i) => `crash${i}`);
  await ws.writeConfig(
    names.map((n) => crashingService(n, ws.path(`${n}.flag`))).join(""),
  );
  const start = await runTend(ws.dir, ["start"]);
  if (start.code !== 0) {
    throw new Error(`tend start failed: ${firstLine(start.stderr)}`);
  }
  const supervisor = await supervisorPidFile(ws.dir);
  if (supervisor === null) throw new Error("no supervisor.pid");
  const fdsOf = async () => {
    let n = 0;
    for await (const _ of Deno.readDir(`/proc/${supervisor}/fd`)) n++;
    return n;
  };
  const rssOf = async () =>
    Number(
      /VmRSS:\s+(\d+)/.exec(
        await Deno.readTextFile(`/proc/${supervisor}/status`),
      )?.[1] ?? 0,
    ) / 1024;
  // Let the first runs exit and the loop begin.
  await sleep(1_000);
  const restartsOf = async (): Promise<number | null> => {
    const run = await runTend(ws.dir, ["status", "--json"]);
    try {
      const body = JSON.parse(run.stdout) as {
        services: { restarts: number }[];
      };
      return body.services.reduce((sum, s) => sum + s.restarts, 0);
    } catch {
      return null;
    }
  };
  const restarts0 = await restartsOf() ?? 0;
  const ticks0 = await cpuTicks(supervisor) ?? 0;
  const fds0 = await fdsOf();
  const t0 = performance.now();
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let asks = 0;
  while (performance.now() - t0 < options.seconds * 1000) {
    const askedAt = performance.now();
    asks++;
    await rec.case(`status ask ${asks}`, async (fail) => {
      const run = await runTend(ws.dir, ["status", "--json"], {
        timeoutMs: 10_000,
      });
      latencies.push(run.ms);
      const problem = unclearOutcome(run, { okCodes: [3] });
      if (problem !== null) fail(problem);
      if (run.ms > statusBudgetMs) fail(`status took ${round(run.ms)} ms`);
      try {
        const body = JSON.parse(run.stdout) as {
          services: { status: string }[];
        };
        for (const s of body.services) {
          statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
        }
      } catch {
        fail(`status --json printed no JSON (exit ${run.code})`);
      }
    });
    await sleep(Math.max(0, 500 - (performance.now() - askedAt)));
  }
  const elapsed = (performance.now() - t0) / 1000;
  const ticks1 = await cpuTicks(supervisor);
  const fds1 = await fdsOf();
  const rss = await rssOf();
  const restarts1 = await restartsOf() ?? restarts0;
  const cpu = ticks1 === null
    ? NaN
    : ((ticks1 - ticks0) / CLK_TCK) / elapsed * 100;
  await rec.case("supervisor CPU under budget", (fail) => {
    if (ticks1 === null) fail("the supervisor died");
    else if (!(cpu < options.cpuBudgetPercent)) {
      fail(
        `supervisor CPU ${
          round(cpu)
        } % of a core > ${options.cpuBudgetPercent} %`,
      );
    }
  });
  await rec.case(
    "services still crash-looping (restarts grew)",
    (fail) => {
      if (restarts1 - restarts0 < options.services) {
        fail(`restarts only went ${restarts0} -> ${restarts1}`);
      }
    },
  );
  await teardown(ws.dir);
  await rec.case("nothing left after down", async (fail) => {
    const { survivors } = await waitUntilNothingTagged(ws.dir, 5_000);
    if (survivors.length > 0) fail(`survivors: ${survivors}`);
  });
  const lat = summary(latencies);
  rec.figures["window (s)"] = round(elapsed);
  rec.figures["supervisor CPU (% of a core)"] = round(cpu);
  rec.figures["restarts in window"] = restarts1 - restarts0;
  rec.figures["restarts/s"] = round((restarts1 - restarts0) / elapsed);
  rec.figures["status latency median (ms)"] = lat.median;
  rec.figures["status latency max (ms)"] = lat.max;
  rec.figures["status asks"] = lat.n;
  rec.figures["supervisor fds before/after"] = `${fds0}/${fds1}`;
  rec.figures["supervisor RSS after (MiB)"] = round(rss);
  rec.figures["service states seen"] = [...statuses].map(([s, n]) =>
    `${s}×${n}`
  ).join(" ");
  options.log(`  ${JSON.stringify(rec.figures)}`);
  return rec.result();
}
