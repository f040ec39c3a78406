// deno-lint-ignore-file no-console -- a program of its own: it prints.
/**
 * `deno task chaos`: tend's reliability suite. Runs each scenario of
 * RELIABILITY.md against real processes, prints "N tried, N held" per
 * scenario with its figures, lists what did not hold, and writes
 * `bench/chaos.json`. Exits 1 when anything did not hold.
 *
 *   --quick          fewer rounds and cases (about 2 minutes)
 *   --rounds N       rounds of the round-based scenarios (1, 2, 3, 6)
 *   --seed N         the random seed (printed; a run is reproducible)
 *   --only a,b       run only these scenarios (ids or numbers)
 *   --concurrency N  cases run at once in scenarios 4a and 4b (default 3)
 *   --out FILE       where to write the JSON (default bench/chaos.json)
 *   --timing fast    tend's short test waits (TEND_TIMING=fast) in 4a, whose
 *                    warm cases wait for the supervisor's fence check
 */
import { parseArgs } from "node:util";
import { brokenTomlCorpus, brokenTomls } from "./_chaos/broken_toml.ts";
import { Rng, ROOT, type ScenarioResult } from "./_chaos/common.ts";
import { concurrentStarts } from "./_chaos/concurrent_start.ts";
import { crashLoop } from "./_chaos/crash_loop.ts";
import { allHostileCases, hostileFiles } from "./_chaos/hostile_files.ts";
import { permissions } from "./_chaos/permissions.ts";
import { pidReuse } from "./_chaos/pid_reuse.ts";
import { supervisorKills } from "./_chaos/supervisor_kill.ts";
import { terminalClose } from "./_chaos/terminal_close.ts";
import { freePort } from "../tests/_helpers.ts";
import { messageOf } from "../src/errors.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  strict: true,
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    seed: { type: "string" },
    only: { type: "string" },
    concurrency: { type: "string", default: "3" },
    out: { type: "string", default: `${ROOT}bench/chaos.json` },
    timing: { type: "string", default: "default" },
  },
});
if (flags.timing !== "default" && flags.timing !== "fast") {
  throw new Error(
    `--timing must be "default" or "fast", not "${flags.timing}"`,
  );
}
const timing: "default" | "fast" = flags.timing;
const quick = flags.quick === true;
const roundsFlag = flags.rounds === undefined ? null : Number(flags.rounds);
const seed = flags.seed === undefined
  ? Math.floor(Math.random() * 2 ** 31)
  : Number(flags.seed);
const concurrency = Number(flags.concurrency);
const only = flags.only?.split(",").map((s) => s.trim()) ?? null;
const mode = quick
  ? "quick"
  : only !== null || roundsFlag !== null
  ? "partial"
  : "full";
const rounds = (full: number, short: number) =>
  roundsFlag ?? (quick ? short : full);

const log = (line: string) => console.error(line);

interface Entry {
  n: string;
  id: string;
  run: (rng: Rng) => Promise<ScenarioResult>;
}

const entries: Entry[] = [
  {
    n: "1",
    id: "concurrent-start",
    run: (rng) =>
      concurrentStarts({ rng, log, rounds: rounds(20, 3), starts: 50 }),
  },
  {
    n: "2",
    id: "supervisor-sigkill",
    run: (rng) => supervisorKills({ rng, log, rounds: rounds(50, 10) }),
  },
  {
    n: "3",
    id: "pid-reuse",
    run: (rng) => pidReuse({ rng, log, rounds: rounds(10, 2) }),
  },
  {
    n: "4a",
    id: "hostile-run-files",
    run: (rng) => {
      const all = allHostileCases();
      const cases = quick ? all.filter((_, i) => i % 3 === 0) : all;
      return hostileFiles({ rng, log, cases, concurrency, timing });
    },
  },
  {
    n: "4b",
    id: "broken-toml",
    run: (rng) => {
      const all = brokenTomls(rng, freePort());
      const cases = quick ? rng.shuffle(all).slice(0, 40) : all;
      return brokenTomlCorpus({ rng, log, cases, concurrency });
    },
  },
  {
    n: "5",
    id: "crash-loop",
    run: (rng) =>
      crashLoop({
        rng,
        log,
        seconds: quick ? 8 : 15,
        services: 5,
        cpuBudgetPercent: 30,
      }),
  },
  {
    n: "6",
    id: "terminal-close",
    run: (rng) =>
      terminalClose({ rng, log, rounds: rounds(10, 3), deadlineMs: 10_000 }),
  },
  {
    n: "7",
    id: "permissions",
    run: (rng) => permissions({ rng, log }),
  },
];

async function machine(): Promise<Record<string, string | number>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  return {
    cpus: navigator.hardwareConcurrency,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(
      Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0) / 1024 / 1024,
    ),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    loadAverageAtStart: (await Deno.readTextFile("/proc/loadavg")
      .catch(() => "")).split(" ").slice(0, 3).join(" "),
  };
}

const started = performance.now();
const host = await machine();
console.error(
  `tend chaos (${
    quick ? "quick" : "full"
  }, seed ${seed}, ${timing} timing) on ${host.cpus} CPUs, load ${host.loadAverageAtStart}`,
);
const results: ScenarioResult[] = [];
for (const entry of entries) {
  if (only !== null && !only.includes(entry.id) && !only.includes(entry.n)) {
    continue;
  }
  console.error(`\n== ${entry.n} ${entry.id}`);
  // Each scenario gets its own stream, so that --only reproduces it.
  const rng = new Rng(
    seed + Number.parseInt(entry.n, 10) * 7919 +
      (entry.n.endsWith("b") ? 1 : 0),
  );
  try {
    const result = await entry.run(rng);
    results.push({ ...result, id: `${entry.n} ${result.id}` });
    console.error(
      `   ${result.tried} tried, ${result.held} held (${result.seconds} s)`,
    );
  } catch (error) {
    const message = messageOf(error);
    console.error(`   aborted: ${message}`);
    results.push({
      id: `${entry.n} ${entry.id}`,
      title: "aborted",
      tried: 1,
      held: 0,
      figures: {},
      failures: [`aborted: ${message}`],
      seconds: 0,
    });
  }
}
const seconds = Math.round((performance.now() - started) / 1000);

const figures = (r: ScenarioResult) =>
  Object.entries(r.figures).map(([k, v]) => `${k}: ${v}`).join("; ");
console.log(
  [
    `tend chaos, ${
      new Date().toISOString().slice(0, 10)
    }, ${mode} run, seed ${seed}, ${seconds} s, ${host.cpus} vCPU`,
    "",
    "| scenario | what | tried | held | figures |",
    "| --- | --- | ---: | ---: | --- |",
    ...results.map((r) =>
      `| ${r.id} | ${r.title} | ${r.tried} | ${r.held} | ${figures(r)} |`
    ),
  ].join("\n"),
);
const failed = results.filter((r) => r.held < r.tried);
for (const r of failed) {
  console.log(`\n${r.id}: ${r.tried - r.held} of ${r.tried} did not hold`);
  for (const line of r.failures) console.log(`  - ${line}`);
}
const outDir = flags.out.includes("/")
  ? flags.out.slice(0, flags.out.lastIndexOf("/"))
  : ".";
await Deno.mkdir(outDir || "/", { recursive: true });
await Deno.writeTextFile(
  flags.out,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      mode,
      quick,
      only,
      rounds: roundsFlag,
      seed,
      timing,
      seconds,
      machine: host,
      scenarios: results,
    },
    null,
    2,
  ) + "\n",
);
console.error(`\nwrote ${flags.out}`);
if (failed.length > 0) Deno.exitCode = 1;
