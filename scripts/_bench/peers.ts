// deno-lint-ignore-file no-console -- a program of its own: it prints.
/**
 * The figures `deno task bench` takes of tend, taken of PM2 and supervisord
 * on this machine (each skipped with a note when it is not on PATH). Every
 * daemon runs in a fresh temporary directory and is ended afterwards, then any
 * process tied to that directory is SIGKILLed by PID. A restart is timed from
 * the SIGKILL to a new child of the daemon running the same `sleep ARG`,
 * polling /proc every 1 ms, and, where perf can record, from the exit of the
 * killed process to the exec of that child by the kernel's clock
 * (exec_clock.ts).
 */
import { procUsage, round, stats, timed, until, which } from "./measure.ts";
import { sleeperChild } from "./procs.ts";
import { startExecClock } from "./exec_clock.ts";

/** Samples of one figure of one peer tool. */
export interface PeerFigure {
  tool: "pm2" | "supervisord";
  name: string;
  unit: string;
  samples: number[];
  note?: string;
}

/** A peer daemon running sleep services in its own temporary directory. */
interface Running {
  pid: number;
  version: string;
  status(): Promise<number>;
  stopAll(): Promise<number>;
  down(): Promise<void>;
}

interface Peer {
  tool: PeerFigure["tool"];
  /** The programs it needs on PATH. */
  programs: string[];
  statusCommand: string;
  crashNote?: string;
  /** Starts a daemon in `dir` running `sleep ARG` for each arg; waits for all. */
  up(dir: string, sleep: string, args: string[]): Promise<Running>;
}

const COMMAND_MS = 60_000;

/** Rejects when `promise` has not settled within `ms`. */
export async function deadline<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `timed` with a deadline; fails on a nonzero exit unless `anyCode`. */
export async function run(
  command: string,
  args: string[],
  { anyCode = false } = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const what = `${command} ${args.join(" ")}`;
  const result = await deadline(timed(command, args), COMMAND_MS, what);
  if (result.code !== 0 && !anyCode) {
    throw new Error(`${what} exited ${result.code}: ${result.stderr}`);
  }
  return result;
}

const read = (path: string) => Deno.readTextFile(path).catch(() => "");

/** Every pid in /proc. */
async function pids(): Promise<number[]> {
  const entries = await Array.fromAsync(Deno.readDir("/proc"));
  return entries.map((entry) => Number(entry.name)).filter(Number.isInteger);
}

/** Whether `pid` exists and is not a zombie. */
async function alive(pid: number): Promise<boolean> {
  const stat = await read(`/proc/${pid}/stat`);
  return stat !== "" && stat[stat.lastIndexOf(")") + 2] !== "Z";
}

/** SIGKILLs every process tied to `dir` (cmdline or environ) or `marker`. */
export async function reap(dir: string, marker: string): Promise<number> {
  let killed = 0;
  for (const pid of await pids()) {
    if (pid === Deno.pid || !await alive(pid)) continue;
    const cmd = await read(`/proc/${pid}/cmdline`);
    const env = await read(`/proc/${pid}/environ`);
    if (cmd.includes(dir) || cmd.includes(`\0${marker}`) || env.includes(dir)) {
      try {
        Deno.kill(pid, "SIGKILL");
        killed++;
      } catch { /* already gone */ }
    }
  }
  return killed;
}

const pm2: Peer = {
  tool: "pm2",
  programs: ["pm2"],
  statusCommand: "pm2 jlist",
  async up(dir, sleep, args) {
    const home = `${dir}/pm2`;
    // env(1) sets PM2_HOME for one command; its exec is well under 1 ms.
    const cli = (...a: string[]) =>
      run("env", [`PM2_HOME=${home}`, "pm2", ...a]);
    const apps = args.map((arg, i) => ({
      name: `s${i}`,
      script: sleep,
      args: [arg],
      interpreter: "none",
      exec_mode: "fork",
      cwd: dir,
      autorestart: true,
      restart_delay: 0,
      max_restarts: 1_000_000,
    }));
    const config = `${dir}/ecosystem.config.json`;
    await Deno.writeTextFile(config, JSON.stringify({ apps }));
    try {
      await cli("start", config);
      await until(async () => {
        const list = JSON.parse((await cli("jlist")).stdout) as {
          pid: number;
          pm2_env: { status: string };
        }[];
        return list.length === args.length &&
          list.every((app) => app.pid > 0 && app.pm2_env.status === "online");
      }, { what: "pm2 services to be online", intervalMs: 100 });
    } catch (error) {
      await cli("kill").catch(() => {});
      throw error;
    }
    const pid = Number(await Deno.readTextFile(`${home}/pm2.pid`));
    return {
      pid,
      version: (await cli("--version")).stdout.trim(),
      status: async () => (await cli("jlist")).ms,
      stopAll: async () => (await cli("stop", "all")).ms,
      async down() {
        await cli("kill").catch(() => {});
        const what = "the PM2 daemon to exit";
        await until(async () => !await alive(pid), { what, timeoutMs: 10_000 })
          .catch(() => {}); // reap() SIGKILLs it then
      },
    };
  },
};

const supervisord: Peer = {
  tool: "supervisord",
  programs: ["supervisord", "supervisorctl"],
  statusCommand: "supervisorctl status",
  crashNote: "it reaps after its poll and respawns on the next pass of " +
    "its loop, whose poll waits up to 1 s",
  async up(dir, sleep, args) {
    const conf = `${dir}/supervisord.conf`;
    const ctl = (...a: string[]) => run("supervisorctl", ["-c", conf, ...a]);
    const text = supervisordConf(dir, args, { sleep, autostart: true });
    await Deno.writeTextFile(conf, text);
    // -n: stays in the foreground as our own child, so it cannot escape us.
    const child = new Deno.Command("supervisord", {
      args: ["-n", "-c", conf],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const down = async () => {
      await ctl("shutdown").catch(() => {});
      await deadline(child.status, 15_000, "supervisord to exit").catch(() => {
        child.kill("SIGKILL");
        return child.status;
      });
    };
    try {
      await until(async () => {
        // Exits 3 while some program is not RUNNING yet.
        const status = await run("supervisorctl", ["-c", conf, "status"], {
          anyCode: true,
        });
        const lines = status.stdout.split("\n");
        return lines.filter((l) => / RUNNING /.test(l)).length === args.length;
      }, { what: "supervisord services to run", intervalMs: 100 });
    } catch (error) {
      await down();
      throw error;
    }
    return {
      pid: child.pid,
      version: (await run("supervisord", ["--version"])).stdout.trim(),
      status: async () => (await ctl("status")).ms,
      stopAll: async () => (await ctl("stop", "all")).ms,
      down,
    };
  },
};

/** Runs `body` against `count` sleep services of `peer` in a fresh temp dir. */
async function session(
  peer: Peer,
  count: number,
  notes: string[],
  body: (daemon: Running, args: string[]) => Promise<void>,
): Promise<void> {
  const dir = await Deno.realPath(
    await Deno.makeTempDir({ prefix: `tend-peer-${peer.tool}-` }),
  );
  const marker = String(1_000_000 + Math.floor(Math.random() * 8_999_999));
  const args = Array.from(
    { length: count },
    (_, i) => `${marker}${String(i).padStart(3, "0")}`,
  );
  let daemon: Running | undefined;
  try {
    daemon = await peer.up(dir, which("sleep") ?? "sleep", args);
    await body(daemon, args);
  } finally {
    await daemon?.down().catch(() => {});
    const killed = await reap(dir, marker);
    if (killed) notes.push(`${peer.tool}: SIGKILLed ${killed} leftover(s)`);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Measures one peer, appending to `figures` and `notes`. */
async function measureTool(
  peer: Peer,
  options: PeerOptions,
  figures: PeerFigure[],
  notes: string[],
): Promise<void> {
  const { tool } = peer;
  const add = (name: string, unit: string, samples: number[], note = "") =>
    figures.push({ tool, name, unit, samples, ...(note ? { note } : {}) });
  await session(peer, 10, notes, async (daemon, args) => {
    notes.push(`${tool} ${daemon.version}`);
    const samples: number[] = [];
    for (let i = 0; i < options.runs + 1; i++) {
      const ms = await daemon.status();
      if (i > 0) samples.push(ms); // the first run warms caches
    }
    add(`${peer.statusCommand}, 10 services`, "ms", samples);
    const crash: number[] = [];
    let pid: number | undefined;
    const found = (not?: number) => () =>
      (pid = sleeperChild(daemon.pid, args[0]!, not)) !== undefined;
    await until(found(), { what: `${tool}'s first service` });
    const clock = await startExecClock();
    let kernel: number[] | undefined;
    try {
      for (let i = 0; i < options.runs; i++) {
        const old = pid!;
        const killedAt = performance.now();
        Deno.kill(old, "SIGKILL");
        const what = `${tool} to restart the service`;
        await until(found(old), { what, intervalMs: 1 });
        crash.push(performance.now() - killedAt);
        clock?.restarted({ exitedPid: old, successorPid: pid! });
      }
    } finally {
      kernel = (await clock?.finish())?.restarts;
    }
    const crashName = "crash -> restart (SIGKILL to new pid alive), no delay";
    add(crashName, "ms", crash, peer.crashNote ?? "");
    if (kernel) {
      add("crash -> restart, kernel clock", "ms", kernel, peer.crashNote ?? "");
    }
  });
  await session(peer, 100, notes, async (daemon) => {
    await new Promise((resolve) => setTimeout(resolve, 10_000)); // settle
    const watched = [
      daemon.pid,
      ...(options.alongside ? [options.alongside] : []),
    ];
    const before = await Promise.all(watched.map(procUsage));
    const t0 = performance.now();
    await new Promise((resolve) =>
      setTimeout(resolve, options.idleSeconds * 1000)
    );
    const after = await Promise.all(watched.map(procUsage));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (i: number) =>
      round((after[i]!.ticks - before[i]!.ticks) / 100 / seconds * 100);
    const idle = `daemon idle CPU, 100 services, ${options.idleSeconds} s`;
    add(idle, "% of a core", [cpu(0)]);
    if (options.alongside) {
      figures.push({
        tool,
        name: `tend, same window: ${idle}`,
        unit: "% of a core",
        samples: [cpu(1)],
        note: "tend's supervisor with 100 services, idle beside it",
      });
    }
    const rss = round(after[0]!.rssBytes / 1024 / 1024);
    add("daemon RSS, 100 services", "MiB", [rss]);
    add("daemon RssAnon, 100 services", "MiB", [
      round(after[0]!.anonBytes / 1024 / 1024),
    ]);
    add("stop of 100 services (wall)", "ms", [await daemon.stopAll()]);
  });
}

/** Options of {@linkcode measurePeers}. */
export interface PeerOptions {
  runs: number;
  idleSeconds: number;
  /** A PID (tend's idle supervisor) whose CPU is read over each idle window too. */
  alongside?: number;
}

/** Measures PM2 and supervisord, skipping (with a note) a tool not on PATH. */
export async function measurePeers(
  options: PeerOptions,
): Promise<{ figures: PeerFigure[]; notes: string[] }> {
  const figures: PeerFigure[] = [];
  const notes: string[] = [];
  for (const peer of [pm2, supervisord]) {
    const missing = peer.programs.filter((program) => !which(program));
    if (missing.length) {
      notes.push(`${missing.join(" and ")} not on PATH: ${peer.tool} skipped`);
      continue;
    }
    await measureTool(peer, options, figures, notes).catch((error: Error) => {
      notes.push(
        `${peer.tool} failed, its figures are partial: ${error.message}`,
      );
    });
  }
  return { figures, notes };
}

if (import.meta.main) {
  const { figures, notes } = await measurePeers({ runs: 5, idleSeconds: 10 });
  console.log("| tool | figure | median | min | max | runs | note |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const f of figures) {
    const s = stats(f.samples);
    const cells = [f.tool, f.name, `${s.median} ${f.unit}`, s.min, s.max];
    console.log(`| ${[...cells, s.runs, f.note ?? ""].join(" | ")} |`);
  }
  for (const note of notes) console.log(`\nnote: ${note}`);
}

/** A supervisord config: one program per `args` entry, `sleep ARG`. */
export function supervisordConf(
  dir: string,
  args: readonly string[],
  options: { sleep: string; autostart: boolean },
): string {
  let text = `[unix_http_server]\nfile=${dir}/supervisor.sock\n
[supervisord]\nlogfile=${dir}/supervisord.log\npidfile=${dir}/supervisord.pid
childlogdir=${dir}\n
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
\n[supervisorctl]\nserverurl=unix://${dir}/supervisor.sock\n`;
  args.forEach((arg, i) => {
    text += `\n[program:s${i}]\ncommand=${options.sleep} ${arg}\nstartsecs=0
autostart=${options.autostart}\nautorestart=true\nredirect_stderr=true
stdout_logfile=${dir}/s${i}.log\n`;
  });
  return text;
}
