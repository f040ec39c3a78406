/**
 * The figures of tend that issue 13 compares with PM2 and supervisord: a
 * start and a stop of 100 plain services, 90 services added by a reload, a
 * cold `tend start` to the service's exec (seen in /proc, and by the
 * kernel's clock: exec_clock.ts), and the `start` of one plain service; the
 * cold start again in a workspace that ran. Services are `sleep MARKER…`
 * with the default `min_ready`, found in /proc (procs.ts), as the peers' are.
 */
import {
  alternateColdStarts,
  type ColdRun,
  startExecClock,
} from "./exec_clock.ts";
import { spawnSilent, tend, tendArgv, workspace } from "./measure.ts";
import {
  markedArgs,
  newMarker,
  sleeperChild,
  sleepersOf,
  untilCount,
} from "./procs.ts";

/** Samples of one figure. */
export interface Figure {
  name: string;
  unit: string;
  samples: number[];
  note?: string;
}

/** Names of the figures, shared with the peers' side (peer_scale.ts). */
export const SCALE = {
  start100: "start of 100 services, CLI wall time",
  add90: "add 90 services to a running daemon (edit + reload)",
  stop100: "stop of 100 services, until all are gone",
  coldExec: "cold start (no daemon) -> service exec'd",
  coldExecKernel: "cold start (no daemon) -> service exec'd, kernel clock",
  coldExecRan: "cold start in a workspace that ran -> service exec'd",
  startOne: "start CLI return, one plain service",
  startOneWarm: "start CLI return, one plain service, daemon running",
  crashExec: "crash (SIGKILL) -> new process exec'd",
  crashExecKernel: "crash (SIGKILL) -> new process exec'd, kernel clock",
} as const;

/** Samples by figure, as one tool's run collects them. */
export type ScaleSamples = Partial<
  Record<keyof typeof SCALE, number[] | undefined>
>;

/**
 * The figures of `samples` (in ms), in the order of {@linkcode SCALE}, each
 * with its note from `notes`: one list for tend and its peers alike.
 */
export function scaleFigures(
  samples: ScaleSamples,
  notes: Partial<Record<keyof typeof SCALE, string>> = {},
): Figure[] {
  return (Object.keys(SCALE) as (keyof typeof SCALE)[]).flatMap((key) => {
    const taken = samples[key];
    if (taken === undefined) return [];
    const note = notes[key];
    return [{
      name: SCALE[key],
      unit: "ms",
      samples: taken,
      ...(note ? { note } : {}),
    }];
  });
}

/** tend.toml of `sleep ARG` services with the defaults (min_ready 100 ms). */
export function plainServices(args: readonly string[], first = 0): string {
  return args.map((arg, i) =>
    `[[processes]]\nname = "s${i + first}"\ncommand = "sleep"\nargs = [${
      JSON.stringify(arg)
    }]\n`
  ).join("\n");
}

/** Spawns `tend ARGS`; resolves the exec time of `marker`'s first sleeper and the CLI's wall time. */
async function timedStart(
  dir: string,
  marker: string,
): Promise<{ execMs: number; wallMs: number }> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: tendArgv(["-C", dir, "start", "--quiet"]),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const [execAt, output] = await Promise.all([
    untilCount(marker, 1, { intervalMs: 1 }),
    child.output(),
  ]);
  if (!output.success) {
    throw new Error(`tend start: ${new TextDecoder().decode(output.stderr)}`);
  }
  return { execMs: execAt - t0, wallMs: performance.now() - t0 };
}

/** Measures tend's scale figures over `runs` runs (`bigRuns` for 100 services). */
export async function measureScale(
  options: { runs: number; bigRuns: number },
): Promise<Figure[]> {
  const start100: number[] = [];
  const stop100: number[] = [];
  const add90: number[] = [];
  const coldExec: number[] = [];
  const coldExecRan: number[] = [];
  const startOne: number[] = [];
  const startOneWarm: number[] = [];
  for (let i = 0; i < options.bigRuns; i++) {
    const marker = newMarker();
    const args = markedArgs(marker, 100);
    {
      await using ws = await workspace(plainServices(args));
      const started = await tend(ws.dir, ["start", "--quiet"]);
      await untilCount(marker, 100);
      start100.push(started.ms);
      const t0 = performance.now();
      await tend(ws.dir, ["stop", "--quiet"]);
      stop100.push((await untilCount(marker, 0, { intervalMs: 1 })) - t0);
    }
    const marker2 = newMarker();
    const args2 = markedArgs(marker2, 100);
    await using ws = await workspace(plainServices(args2.slice(0, 10)));
    await tend(ws.dir, ["start", "--quiet"]);
    const t0 = performance.now();
    await Deno.writeTextFile(`${ws.dir}/tend.toml`, plainServices(args2));
    await tend(ws.dir, ["reload", "--quiet"]);
    add90.push((await untilCount(marker2, 100)) - t0);
  }
  // The kernel's clock times cold starts of its own between these.
  const coldExecKernel = await alternateColdStarts(options.runs, async () => {
    const round = await coldRound();
    coldExec.push(round.coldExec);
    startOne.push(round.startOne);
    startOneWarm.push(round.startOneWarm);
    coldExecRan.push(round.coldExecRan);
  }, tendColdRun);
  return scaleFigures(
    {
      start100,
      add90,
      stop100,
      coldExec,
      coldExecKernel,
      coldExecRan,
      startOne,
      startOneWarm,
    },
    { start100: "cold", startOne: "cold" },
  );
}

/**
 * A cold start of one service seen by `/proc` poll, the `start` of it with
 * the daemon running, and a cold start again in the workspace that ran.
 */
async function coldRound(): Promise<
  {
    coldExec: number;
    startOne: number;
    startOneWarm: number;
    coldExecRan: number;
  }
> {
  const marker = newMarker();
  await using ws = await workspace(plainServices(markedArgs(marker, 1)));
  const cold = await timedStart(ws.dir, marker);
  await tend(ws.dir, ["stop", "--quiet"]);
  await untilCount(marker, 0);
  const startOneWarm = (await tend(ws.dir, ["start", "--quiet"])).ms;
  // The same workspace after `down`: its checked config and state.json
  // are there, as after any day's work.
  await tend(ws.dir, ["down", "--quiet"]);
  await untilCount(marker, 0);
  const ran = await timedStart(ws.dir, marker);
  return {
    coldExec: cold.execMs,
    startOne: cold.wallMs,
    startOneWarm,
    coldExecRan: ran.execMs,
  };
}

/** A cold `tend start` of one service, for the kernel's clock (exec_clock.ts). */
async function tendColdRun(_marker: string, arg: string): Promise<ColdRun> {
  const ws = await workspace(plainServices([arg]));
  const cli = spawnSilent(
    Deno.execPath(),
    tendArgv(["-C", ws.dir, "start", "--quiet"]),
  );
  return {
    cliPid: cli.pid,
    settled: cli.status,
    end: async () => await ws[Symbol.asyncDispose](),
  };
}

/**
 * SIGKILL of a service (`restart_delay = 0`) to the exec of its next process,
 * seen in /proc as the peers' are; and the exit of the killed process to the
 * exec of its successor by the kernel's clock (exec_clock.ts), when it can be
 * read.
 */
export async function crashExec(runs: number): Promise<Figure[]> {
  const marker = newMarker();
  const [arg] = markedArgs(marker, 1);
  await using ws = await workspace(
    plainServices([arg!]) + "restart_delay = 0\nmax_restarts = 1000\n",
  );
  await tend(ws.dir, ["start", "--quiet"]);
  const supervisor = Number(
    await Deno.readTextFile(`${ws.dir}/.tend/run/supervisor.pid`),
  );
  const samples: number[] = [];
  const clock = await startExecClock();
  let kernel: number[] | undefined;
  try {
    for (let i = 0; i < runs; i++) {
      const pid = sleepersOf(marker).get(arg!)!;
      const killedAt = performance.now();
      Deno.kill(pid, "SIGKILL");
      let successor: number | undefined;
      while ((successor = sleeperChild(supervisor, arg!, pid)) === undefined) {
        if (performance.now() - killedAt > 30_000) {
          throw new Error("no restart");
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      samples.push(performance.now() - killedAt);
      clock?.restarted({ exitedPid: pid, successorPid: successor });
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    kernel = (await clock?.finish())?.restarts;
  }
  return scaleFigures({ crashExec: samples, crashExecKernel: kernel });
}

/** The RSS (MiB) of a supervisor with `count` plain services, after `settleMs`. */
export async function supervisorRss(
  count: number,
  options: { settleMs: number },
): Promise<number> {
  const marker = newMarker();
  await using ws = await workspace(plainServices(markedArgs(marker, count)));
  await tend(ws.dir, ["start", "--quiet"]);
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  const pid = (await Deno.readTextFile(`${ws.dir}/.tend/run/supervisor.pid`))
    .trim();
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 3);
  for (const figure of await measureScale({ runs, bigRuns: runs })) {
    const sorted = [...figure.samples].sort((a, b) => a - b);
    // deno-lint-ignore no-console -- a program of its own
    console.log(
      `${figure.name}: median ${
        sorted[Math.floor(sorted.length / 2)]?.toFixed(1)
      } ${figure.unit} [${sorted.map((s) => s.toFixed(0)).join(" ")}]`,
    );
  }
  for (const count of [1, 100, 1000]) {
    const rss = await supervisorRss(count, { settleMs: 3000 });
    // deno-lint-ignore no-console -- a program of its own
    console.log(`supervisor RSS, ${count} services: ${rss.toFixed(1)} MiB`);
  }
}
