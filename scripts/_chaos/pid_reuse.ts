/**
 * Scenario 3: PID reuse. PID files, `supervisor.json` and `state.json` name
 * live unrelated processes (decoys: own sessions, no tend tags, a handler
 * that notes every catchable signal in a witness file) with a wrong start
 * time. `status`, `stop`, `start`, `restart`, `down` and `cleanup` run
 * against them, before and while a real supervisor runs: no decoy may ever
 * be signalled (still alive, and no witness file).
 */
import { cliEnv, spawnOwn } from "../../tests/_helpers.ts";
import {
  isAlive,
  makeTempWorkspace,
  Recorder,
  type Rng,
  runTend,
  type ScenarioOptions,
  type ScenarioResult,
  settle,
  sleeperService,
  startTicksOf,
  teardown,
  type TempWorkspace,
  unclearOutcome,
  WITNESS_FIXTURE,
} from "./common.ts";

/** A decoy process and where it would note a signal. */
interface Decoy extends AsyncDisposable {
  pid: number;
  startTicks: number;
  witness: string;
}

async function startDecoy(dir: string, name: string): Promise<Decoy> {
  const pidFile = `${dir}/${name}.pid`;
  const witness = `${dir}/${name}.signalled`;
  const own = spawnOwn(
    Deno.execPath(),
    ["run", "--allow-read", "--allow-write", WITNESS_FIXTURE, pidFile, witness],
    cliEnv(),
  );
  const problems = await settle(async () => {
    const text = await Deno.readTextFile(pidFile).catch(() => "");
    return Number(text.trim()) === own.pid ? [] : ["no pid file yet"];
  }, { timeoutMs: 15_000, intervalMs: 20 });
  const startTicks = await startTicksOf(own.pid);
  if (problems.length > 0 || startTicks === null) {
    await own.kill();
    throw new Error(`decoy ${name} did not start`);
  }
  return {
    pid: own.pid,
    startTicks,
    witness,
    [Symbol.asyncDispose]: () => own.kill().then(() => {}),
  };
}

/** Wrong start times for a decoy: near misses and nonsense. */
function wrongTicks(rng: Rng, real: number): number {
  return rng.pick([real + 1, real - 1, real + 100, 1]);
}

async function plant(
  ws: TempWorkspace,
  decoys: { sup: Decoy; a: Decoy; b: Decoy; ghost: Decoy },
  rng: Rng,
): Promise<void> {
  const run = ws.path(".tend/run");
  await Deno.mkdir(run, { recursive: true, mode: 0o700 });
  const bootId = (await Deno.readTextFile("/proc/sys/kernel/random/boot_id"))
    .trim();
  const write = async (name: string, text: string) => {
    await Deno.remove(`${run}/${name}`).catch(() => {});
    await Deno.writeTextFile(`${run}/${name}`, text, { mode: 0o600 });
  };
  const identity = (d: Decoy) => ({
    pid: d.pid,
    startTicks: wrongTicks(rng, d.startTicks),
    bootId,
  });
  const record = (d: Decoy) => ({
    desired: "running",
    identity: identity(d),
    port: null,
    startedAt: new Date().toISOString(),
    restarts: 0,
    lastExit: null,
    fingerprint: null,
  });
  await write("supervisor.pid", `${decoys.sup.pid}\n`);
  await write("a.pid", `${decoys.a.pid}\n`);
  await write("b.pid", `${decoys.b.pid}\n`);
  await write("ghost.pid", `${decoys.ghost.pid}\n`);
  await write(
    "supervisor.json",
    JSON.stringify({
      pid: decoys.sup.pid,
      identity: identity(decoys.sup),
      startedAt: new Date().toISOString(),
      version: "0.1.0",
      workspace: ws.dir,
      config: ws.path("tend.toml"),
      socket: ws.path(".tend/run/tend.sock"),
      http: null,
    }) + "\n",
  );
  await write(
    "state.json",
    JSON.stringify({
      version: 1,
      services: {
        a: record(decoys.a),
        b: record(decoys.b),
        // Not in the config: a supervisor stops services the config no
        // longer lists, so this must be recognised as not ours.
        ghost: record(decoys.ghost),
      },
    }) + "\n",
  );
}

/** Runs `rounds` rounds of commands against planted decoy PIDs. */
export async function pidReuse(
  options: ScenarioOptions & { rounds: number },
): Promise<ScenarioResult> {
  const { rng } = options;
  const rec = new Recorder(
    "pid-reuse",
    "PID files and state naming live unrelated processes",
  );
  let commands = 0;
  for (let r = 0; r < options.rounds; r++) {
    await using ws = await makeTempWorkspace();
    const marker = ws.path("marker");
    await ws.writeConfig(
      sleeperService("a", marker) + sleeperService("b", marker),
    );
    const decoyDir = await Deno.makeTempDir({ prefix: "tend-decoys-" });
    try {
      await using sup = await startDecoy(decoyDir, "sup");
      await using a = await startDecoy(decoyDir, "a");
      await using b = await startDecoy(decoyDir, "b");
      await using ghost = await startDecoy(decoyDir, "ghost");
      const decoys = { sup, a, b, ghost };
      const all = [sup, a, b, ghost];

      const step = async (args: string[], phase: string) => {
        commands++;
        await plant(ws, decoys, rng);
        await rec.case(
          `round ${r + 1} ${phase}: tend ${args.join(" ")}`,
          async (fail) => {
            const run = await runTend(ws.dir, args, { timeoutMs: 30_000 });
            const problem = unclearOutcome(run, {
              okCodes: args[0] === "status" ? [3] : [],
            });
            if (problem !== null) fail(problem);
            if (args[0] === "cleanup" && args.includes("--json")) {
              const listed = (JSON.parse(run.stdout) as {
                orphans: { pid: number }[];
              }).orphans.map((o) => o.pid);
              const named = all.filter((d) => listed.includes(d.pid));
              if (named.length > 0) {
                fail(
                  `cleanup lists decoys as orphans: ${named.map((d) => d.pid)}`,
                );
              }
            }
            if (args[0] === "start" && run.code === 0) {
              for (const [, pid] of run.stdout.matchAll(/\(pid (\d+)/g)) {
                if (all.some((d) => d.pid === Number(pid))) {
                  fail(`start reports a decoy as a service: ${run.stdout}`);
                }
              }
            }
            // A signal handler writes its file at once; give it a moment.
            await new Promise((resolve) => setTimeout(resolve, 50));
            for (const d of all) {
              if (!await isAlive(d.pid)) fail(`decoy ${d.pid} was killed`);
              const noted = await Deno.readTextFile(d.witness).catch(() => "");
              if (noted !== "") {
                fail(`decoy ${d.pid} was signalled: ${noted.trim()}`);
              }
            }
          },
        );
      };

      // Phase 1: no supervisor runs; every file lies.
      for (
        const args of rng.shuffle([
          ["status"],
          ["status", "--json"],
          ["status", "a"],
          ["stop"],
          ["stop", "a"],
          ["cleanup", "--dry-run", "--json"],
          ["cleanup"],
          ["down"],
        ])
      ) await step(args, "offline");
      // Phase 2: start over the lies.
      await step(["start"], "start");
      // Phase 3: a supervisor runs; its files are replaced with lies
      // before every command.
      for (
        const args of rng.shuffle([
          ["status"],
          ["stop", "a"],
          ["restart", "b"],
          ["start"],
          ["cleanup", "--dry-run", "--json"],
          ["stop", "--all"],
          ["start", "a"],
          ["restart"],
        ])
      ) await step(args, "online");
      await step(["down"], "online");
      await step(["cleanup"], "after down");
      await teardown(ws.dir);
      options.log(`  round ${r + 1} done`);
    } finally {
      await Deno.remove(decoyDir, { recursive: true }).catch(() => {});
    }
  }
  rec.figures["commands run against planted PIDs"] = commands;
  rec.figures["decoys per round"] = 4;
  return rec.result();
}
