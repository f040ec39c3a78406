// deno-lint-ignore-file no-console -- a program of its own: it prints.
/**
 * `deno task bench`: measures tend on real processes in temporary workspaces
 * and prints a table; writes `bench/results.json`. Figures are medians of
 * several runs, with min and max. `--quick` runs fewer rounds.
 */
import {
  procUsage,
  round,
  sleepers,
  type Stats,
  stats,
  tend,
  TEND_ROOT,
  timed,
  until,
  workspace,
} from "./_bench/measure.ts";
import { canTraceExecs } from "./_bench/exec_clock.ts";
import {
  FLOOR_STATUS,
  startFloorSupervisor,
  writeStatusModulesEntry,
} from "./_bench/floors.ts";
import { writeModuleChain } from "./_bench/module_chain.ts";
import { measurePeers } from "./_bench/peers.ts";
import { measurePeerScale } from "./_bench/peer_scale.ts";
import {
  crashExec,
  type Figure,
  measureScale,
  SCALE,
  supervisorRss,
} from "./_bench/scale.ts";

const QUICK = Deno.args.includes("--quick");
/** Only tend's figures (e.g. of another checkout, TEND_BENCH_ROOT=DIR). */
const TEND_ONLY = Deno.args.includes("--tend-only");
const RUNS = QUICK ? 5 : 15;
const IDLE_SECONDS = QUICK ? 10 : 30;
const ROOT = new URL("../", import.meta.url).pathname;

interface Row {
  name: string;
  unit: string;
  stats: Stats;
  note: string;
}
const rows: Row[] = [];
const notes: string[] = [];

function record(
  name: string,
  unit: string,
  samples: number[],
  note = "",
): Stats {
  const s = stats(samples);
  rows.push({ name, unit, stats: s, note });
  console.error(
    `  ${name}: median ${s.median} ${unit} (min ${s.min}, max ${s.max})`,
  );
  return s;
}

/** An empty script for `deno run`, the baseline of `status`. */
async function emptyScript(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "tend-bench-" });
  await Deno.writeTextFile(`${dir}/empty.ts`, 'console.log("ok");\n');
  return {
    path: `${dir}/empty.ts`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** The wall time of one `deno run` of `script` with `args`. */
async function denoRunMs(
  script: string,
  args: readonly string[] = [],
): Promise<number> {
  return (await timed(Deno.execPath(), [
    "run",
    "--quiet",
    "-A",
    script,
    ...args,
  ]))
    .ms;
}

async function baseline(): Promise<Stats> {
  await using empty = await emptyScript();
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const ms = await denoRunMs(empty.path);
    if (i > 0) samples.push(ms);
  }
  return record("deno run of an empty script (baseline)", "ms", samples);
}

/**
 * `tend status --json` of `count` services, each run alternated with an
 * empty `deno run`: the ratio of their medians is taken in the same minutes
 * (the VM's speed moves by 20 to 40 % between quarters of an hour). With
 * `floor`, the one-file client of the same request too (floor_status.ts).
 */
async function statusLatency(
  count: number,
  options: { floor?: boolean } = {},
): Promise<void> {
  await using ws = await workspace(sleepers(count));
  const started = await tend(ws.dir, ["start", "--quiet"]);
  record(`tend start of ${count} services (cold supervisor)`, "ms", [
    started.ms,
  ]);
  await recordAgainstEmpty(
    `tend status, ${count} services`,
    async () => (await tend(ws.dir, ["status", "--json"])).ms,
  );
  if (!options.floor) return;
  await recordAgainstEmpty(
    `deno run of a one-file client of status's request, ${count} services (status's floor)`,
    () => denoRunMs(FLOOR_STATUS, [ws.dir]),
  );
}

/**
 * Records the wall time of `run`, each run alternated with an empty `deno
 * run` (each goes first every other time: neither follows the other
 * always), with the ratio of their medians as the row's note. The first of
 * each warms the caches and is not counted.
 */
async function recordAgainstEmpty(
  name: string,
  run: () => Promise<number>,
): Promise<void> {
  await using empty = await emptyScript();
  const samples: number[] = [];
  const emptySamples: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const emptyFirst = i % 2 === 1 ? await denoRunMs(empty.path) : 0;
    const ms = await run();
    const emptyMs = emptyFirst || await denoRunMs(empty.path);
    if (i === 0) continue;
    samples.push(ms);
    emptySamples.push(emptyMs);
  }
  const s = record(name, "ms", samples);
  const base = stats(emptySamples).median;
  rows.at(-1)!.note = `${
    round(s.median / base)
  }x an empty deno run alternated with it (${base} ms)`;
}

/**
 * The floor under `status`: a `deno run` that loads the modules `tend
 * status` loads and runs none of them; then as many modules that do nothing,
 * as TypeScript (what `deno run` loads) and as JavaScript (what a compiled
 * executable stores). Each is alternated with an empty `deno run` as
 * `status` is.
 */
async function moduleFloor(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tend-bench-modules-" });
  try {
    const own = await writeStatusModulesEntry(dir, TEND_ROOT);
    await recordAgainstEmpty(
      `deno run that loads the ${own.count} modules of tend status and runs none`,
      () => denoRunMs(own.entry),
    );
    for (const language of ["ts", "js"] as const) {
      await Deno.mkdir(`${dir}/${language}`);
      const entry = await writeModuleChain(`${dir}/${language}`, {
        count: own.count,
        language,
      });
      await recordAgainstEmpty(
        `deno run of ${own.count} ${language.toUpperCase()} modules that do nothing (status's count)`,
        () => denoRunMs(entry),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Wall time from spawning the fixture directly to its port accepting. */
async function ownListenMs(fixture: string, port: number): Promise<number> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fixture, "/dev/null"],
    env: { PORT: String(port) },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await until(async () => {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch {
      return false;
    }
  }, { what: "the fixture to listen", intervalMs: 1 });
  const ms = performance.now() - started;
  child.kill("SIGKILL");
  await child.status;
  return ms;
}

async function startOverhead(): Promise<void> {
  const fixture = `${ROOT}tests/fixtures/listen_at.ts`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const own: number[] = [];
  for (let i = 0; i < RUNS; i++) own.push(await ownListenMs(fixture, port));
  const ownMedian =
    record("the service alone: spawn to port accepting", "ms", own).median;
  const toml = `[[processes]]
name = "web"
command = ${JSON.stringify(Deno.execPath())}
args = ["run", "-A", ${JSON.stringify(fixture)}, "/dev/null"]
port = ${port}
port_strategy = "next"
ready = { tcp = "{port}" }
`;
  await using ws = await workspace(toml);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { ms } = await tend(ws.dir, ["start", "--quiet"]);
    (i === 0 ? cold : warm).push(ms - ownMedian);
    await tend(ws.dir, ["stop", "--quiet"]);
  }
  record(
    "tend start overhead, TCP-ready service, supervisor running",
    "ms",
    warm,
    "CLI wall time minus the median of the service alone",
  );
  record("tend start overhead, launching the supervisor too", "ms", cold);
}

async function crashRestart(): Promise<void> {
  const toml = sleepers(
    1,
    'restart = "always"\nrestart_delay = 0\nmax_restarts = 1000',
  );
  await using ws = await workspace(toml);
  await tend(ws.dir, ["start", "--quiet"]);
  const pidFile = `${ws.dir}/.tend/run/s0.pid`;
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const pid = Number(await Deno.readTextFile(pidFile));
    const killedAt = Date.now();
    Deno.kill(pid, "SIGKILL");
    let next = pid;
    await until(async () => {
      next = Number(await Deno.readTextFile(pidFile).catch(() => "0"));
      return next !== pid && next !== 0;
    }, { what: "the restarted service", intervalMs: 1 });
    const bornAt = (await Deno.stat(pidFile)).mtime!.getTime();
    samples.push(Math.max(0, bornAt - killedAt));
  }
  record(
    "crash -> restart (SIGKILL to new pid file), restart_delay = 0",
    "ms",
    samples,
    "the default restart_delay adds 100 ms on purpose",
  );
}

/** Time for a supervisor to settle after start (its start-up worker threads end). */
const SETTLE_SECONDS = QUICK ? 3 : 12;

/** CPU (% of a core) of `pid` over IDLE_SECONDS, after SETTLE_SECONDS. */
async function idleCpu(
  pid: number,
): Promise<{ cpu: number; rssBytes: number; anonBytes: number }> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  const before = await procUsage(pid);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const after = await procUsage(pid);
  const seconds = (performance.now() - t0) / 1000;
  return {
    cpu: round(((after.ticks - before.ticks) / 100) / seconds * 100),
    rssBytes: after.rssBytes,
    anonBytes: after.anonBytes,
  };
}

async function supervisorOf(dir: string): Promise<number> {
  return Number(await Deno.readTextFile(`${dir}/.tend/run/supervisor.pid`));
}

async function idleAndStop(): Promise<void> {
  await using ws = await workspace(sleepers(100));
  await tend(ws.dir, ["start", "--quiet"]);
  // The floor idles in the same window: a Deno process doing the least of
  // the supervisor's job for as many services (floor_supervisor.ts).
  await using floor = await startFloorSupervisor(100, {
    config: `${TEND_ROOT}deno.json`,
  });
  const [spawned, least] = await Promise.all([
    idleCpu(await supervisorOf(ws.dir)),
    idleCpu(floor.pid),
  ]);
  record(
    `supervisor idle CPU, 100 services, ${IDLE_SECONDS} s`,
    "% of a core",
    [spawned.cpu],
  );
  record("supervisor RSS, 100 services", "MiB", [
    round(spawned.rssBytes / 1024 / 1024),
  ]);
  record("supervisor RssAnon, 100 services", "MiB", [
    round(spawned.anonBytes / 1024 / 1024),
  ], "the anonymous part of the RSS: heap and stacks, not the runtime's code");
  record("a one-file Deno supervisor of 100 services: RSS (the floor)", "MiB", [
    round(least.rssBytes / 1024 / 1024),
  ], "scripts/_bench/floor_supervisor.ts, idle in the same window");
  record("a one-file Deno supervisor of 100 services: RssAnon", "MiB", [
    round(least.anonBytes / 1024 / 1024),
  ]);

  // A new supervisor adopts the 100 services the first one left running.
  const first = await supervisorOf(ws.dir);
  Deno.kill(first, "SIGTERM");
  await until(async () => {
    try {
      await Deno.stat(`/proc/${first}`);
      return false;
    } catch {
      return true;
    }
  }, { what: "the first supervisor to exit" });
  await tend(ws.dir, ["start", "--quiet"]);
  const adopted = await idleCpu(await supervisorOf(ws.dir));
  record(
    `supervisor idle CPU, 100 adopted services, ${IDLE_SECONDS} s`,
    "% of a core",
    [adopted.cpu],
    "after a supervisor restart; each is checked every check_interval (3 s)",
  );

  const { ms } = await tend(ws.dir, ["stop", "--quiet"]);
  record("tend stop of 100 services (wall)", "ms", [ms]);
}

/** Figures of tend, PM2 and supervisord side by side: [label, tend's row, a peer's row]. */
type Match = (name: string) => boolean;
const exact = (name: string): Match => (row) => row === name;
const has = (part: string): Match => (row) => row.includes(part);
const COMPARED: [string, Match, Match][] = [
  [SCALE.start100, exact(SCALE.start100), exact(SCALE.start100)],
  [SCALE.add90, exact(SCALE.add90), exact(SCALE.add90)],
  [SCALE.stop100, exact(SCALE.stop100), exact(SCALE.stop100)],
  [SCALE.crashExec, exact(SCALE.crashExec), has("crash -> restart (SIGKILL")],
  [
    SCALE.crashExecKernel,
    exact(SCALE.crashExecKernel),
    has("crash -> restart, kernel clock"),
  ],
  [SCALE.coldExec, exact(SCALE.coldExec), exact(SCALE.coldExec)],
  [
    SCALE.coldExecKernel,
    exact(SCALE.coldExecKernel),
    exact(SCALE.coldExecKernel),
  ],
  [SCALE.coldExecRan, exact(SCALE.coldExecRan), () => false],
  [SCALE.startOne, exact(SCALE.startOne), exact(SCALE.startOne)],
  [SCALE.startOneWarm, exact(SCALE.startOneWarm), exact(SCALE.startOneWarm)],
  [
    "RSS, 100 services",
    has("supervisor RSS, 100 services"),
    has("daemon RSS"),
  ],
  [
    "RssAnon (heap and stacks), 100 services",
    has("supervisor RssAnon, 100 services"),
    has("daemon RssAnon"),
  ],
  [
    "status, 10 services",
    has("tend status, 10 services"),
    has(", 10 services"),
  ],
  [
    "idle CPU, 100 services",
    has("supervisor idle CPU, 100 services,"),
    has("daemon idle CPU"),
  ],
  [
    "tend's idle CPU in that same window",
    () => false,
    has("tend, same window"),
  ],
  [
    "stop of 100 sleep services (CLI wall)",
    has("tend stop of 100 services"),
    has("stop of 100 services (wall)"),
  ],
];

/** Records figures of `tool` (tend when undefined). */
function recordFigures(figures: Figure[], tool?: string): void {
  for (const f of figures) {
    const s = stats(f.samples);
    const name = tool ? `${tool}: ${f.name}` : f.name;
    rows.push({ name, unit: f.unit, stats: s, note: f.note ?? "" });
    console.error(`  ${name}: median ${s.median} ${f.unit}`);
  }
}

async function scale(): Promise<void> {
  // A cold start moves by ±15 ms with the VM from one run to the next:
  // enough runs for a median that does not.
  const runs = QUICK ? 5 : 15;
  const bigRuns = QUICK ? 1 : 3;
  recordFigures(await measureScale({ runs, bigRuns }));
  if (!canTraceExecs()) {
    notes.push("cold start by the kernel clock: needs root and perf(1)");
  }
  recordFigures(await crashExec(RUNS));
  for (const count of [1, 100, 1000]) {
    const rss = await supervisorRss(count, { settleMs: 3000 });
    record(`supervisor RSS, ${count} services, 3 s after start`, "MiB", [
      round(rss),
    ]);
  }
  if (TEND_ONLY) return;
  const peerScale = await measurePeerScale({ runs, bigRuns });
  notes.push(...peerScale.notes);
  for (const { tool, figures } of peerScale.results) {
    recordFigures(figures, tool);
  }
}

async function peers(): Promise<string> {
  if (TEND_ONLY) return "";
  // tend idles beside each peer, so that idle CPU is read in the same window.
  await using ws = await workspace(sleepers(100));
  await tend(ws.dir, ["start", "--quiet"]);
  const { figures, notes: peerNotes } = await measurePeers({
    runs: RUNS,
    idleSeconds: IDLE_SECONDS,
    alongside: await supervisorOf(ws.dir),
  });
  await tend(ws.dir, ["stop", "--quiet"]);
  notes.push(...peerNotes);
  const tools = [
    ...new Set([
      ...figures.map((f) => f.tool),
      ...rows.map((r) => /^(pm2|supervisord): /.exec(r.name)?.[1])
        .filter((t) => t !== undefined),
    ]),
  ];
  for (const f of figures) {
    const s = stats(f.samples);
    rows.push({
      name: `${f.tool}: ${f.name}`,
      unit: f.unit,
      stats: s,
      note: f.note ?? "",
    });
    console.error(`  ${f.tool}: ${f.name}: median ${s.median} ${f.unit}`);
  }
  const cell = (row: { stats: Stats; unit: string } | undefined) =>
    row ? `${row.stats.median} ${row.unit}` : "-";
  return [
    `| figure (median) | tend | ${tools.join(" | ")} |`,
    `| --- | --- |${tools.map(() => " --- |").join("")}`,
    ...COMPARED.map(([label, ours, theirs]) => {
      const peerCells = tools.map((tool) =>
        cell(
          rows.find((r) =>
            r.name.startsWith(`${tool}: `) &&
            theirs(r.name.slice(tool.length + 2))
          ),
        )
      );
      const mine = rows.find((r) =>
        !/^(pm2|supervisord): /.test(r.name) && ours(r.name)
      );
      return `| ${label} | ${cell(mine)} | ${peerCells.join(" | ")} |`;
    }),
  ].join("\n");
}

console.error(
  `tend benchmarks (${QUICK ? "quick" : "full"}: ${RUNS} runs each)`,
);
await baseline();
await statusLatency(10, { floor: true });
await moduleFloor();
await statusLatency(1000);
await startOverhead();
await crashRestart();
await idleAndStop();
await scale();
const compared = await peers();

const table = [
  "| figure | median | min | max | runs | note |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) =>
    `| ${r.name} | ${r.stats.median} ${r.unit} | ${r.stats.min} | ${r.stats.max} | ${r.stats.runs} | ${r.note} |`
  ),
].join("\n");
console.log(table);
console.log(`\n${compared}`);
for (const note of notes) console.log(`\nnote: ${note}`);
await Deno.mkdir(`${ROOT}bench`, { recursive: true });
await Deno.writeTextFile(
  `${ROOT}bench/results.json`,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      quick: QUICK,
      deno: Deno.version.deno,
      rows,
      notes,
    },
    null,
    2,
  ) + "\n",
);
