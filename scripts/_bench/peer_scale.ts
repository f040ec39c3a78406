/**
 * The scale figures of scale.ts taken of PM2 and supervisord, configured as
 * tend is (restart at once; supervisord `startsecs=0`), each daemon in its own
 * temporary directory, its `sleep MARKER…` children found in /proc:
 *
 * - start of 100: PM2 `pm2 start eco.json` (it launches its daemon, as `tend
 *   start` does); supervisord `supervisorctl start all` (its daemon must be
 *   started first, with `autostart=false`). Then until all 100 run.
 * - add 90: PM2 `pm2 start` of a file with the 90 new apps; supervisord
 *   `supervisorctl update` after the edit. Then until all 100 run.
 * - stop of 100: `pm2 stop all` / `supervisorctl stop all`, until none runs.
 * - cold start → exec'd: `pm2 start` with no daemon / `supervisord -n` with
 *   an autostart program, to the exec of the service; then again by the
 *   kernel's clock, with no /proc poll meanwhile (exec_clock.ts).
 * - start CLI return, one service: PM2 cold (the same run), and with its
 *   daemon running; supervisord `supervisorctl start s0` (daemon running).
 */
import { type Figure, scaleFigures } from "./scale.ts";
import { alternateColdStarts, type ColdRun } from "./exec_clock.ts";
import { spawnSilent, which } from "./measure.ts";
import { deadline, reap, run, supervisordConf } from "./peers.ts";
import { markedArgs, newMarker, untilCount } from "./procs.ts";

const SLEEP = which("sleep") ?? "sleep";

/** A fresh temp dir removed (and its processes reaped) after `body`. */
async function inTemp<T>(
  tool: string,
  marker: string,
  body: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await tempDir(tool);
  try {
    return await body(dir);
  } finally {
    await removeTemp(dir, marker);
  }
}

/** A fresh temp dir for `tool`'s daemon. */
async function tempDir(tool: string): Promise<string> {
  return await Deno.realPath(
    await Deno.makeTempDir({ prefix: `tend-peer-${tool}-` }),
  );
}

/** Reaps what is left of `marker`'s run in `dir`, then removes `dir`. */
async function removeTemp(dir: string, marker: string): Promise<void> {
  await reap(dir, marker);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}

// ---------------------------------------------------------------- PM2

function pm2Apps(args: readonly string[], first = 0) {
  return JSON.stringify({
    apps: args.map((arg, i) => ({
      name: `s${i + first}`,
      script: SLEEP,
      args: [arg],
      interpreter: "none",
      exec_mode: "fork",
      autorestart: true,
      restart_delay: 0,
    })),
  });
}

async function pm2(dir: string, ...args: string[]) {
  return await run("env", [`PM2_HOME=${dir}/pm2`, "pm2", ...args]);
}

async function pm2Kill(dir: string) {
  await pm2(dir, "kill").catch(() => {});
}

/** Spawns `command args`; the exec of `marker`'s first sleeper and the wall time. */
async function execAndWall(
  command: string,
  args: string[],
  marker: string,
  options: { waitExit: boolean },
): Promise<{ execMs: number; wallMs: number; child: Deno.ChildProcess }> {
  const t0 = performance.now();
  const child = spawnSilent(command, args);
  const execAt = await untilCount(marker, 1, { intervalMs: 1 });
  if (options.waitExit) await child.status;
  return { execMs: execAt - t0, wallMs: performance.now() - t0, child };
}

async function pm2Scale(runs: number, bigRuns: number): Promise<Figure[]> {
  const start100: number[] = [];
  const add90: number[] = [];
  const stop100: number[] = [];
  const coldExec: number[] = [];
  const startOne: number[] = [];
  const startOneWarm: number[] = [];
  for (let i = 0; i < bigRuns; i++) {
    const marker = newMarker();
    await inTemp("pm2", marker, async (dir) => {
      const args = markedArgs(marker, 100);
      await Deno.writeTextFile(`${dir}/all.json`, pm2Apps(args));
      try {
        const t0 = performance.now();
        await pm2(dir, "start", `${dir}/all.json`);
        start100.push((await untilCount(marker, 100)) - t0);
        const t1 = performance.now();
        await pm2(dir, "stop", "all");
        stop100.push((await untilCount(marker, 0, { intervalMs: 1 })) - t1);
      } finally {
        await pm2Kill(dir);
      }
    });
    const marker2 = newMarker();
    await inTemp("pm2", marker2, async (dir) => {
      const args = markedArgs(marker2, 100);
      await Deno.writeTextFile(`${dir}/ten.json`, pm2Apps(args.slice(0, 10)));
      await Deno.writeTextFile(
        `${dir}/more.json`,
        pm2Apps(args.slice(10), 10),
      );
      try {
        await pm2(dir, "start", `${dir}/ten.json`);
        await untilCount(marker2, 10);
        const t0 = performance.now();
        await pm2(dir, "start", `${dir}/more.json`);
        add90.push((await untilCount(marker2, 100)) - t0);
      } finally {
        await pm2Kill(dir);
      }
    });
  }
  // Cold starts by the kernel's clock between these (see scale.ts).
  const coldExecKernel = await alternateColdStarts(runs, async () => {
    const marker = newMarker();
    await inTemp("pm2", marker, async (dir) => {
      await Deno.writeTextFile(
        `${dir}/one.json`,
        pm2Apps(markedArgs(marker, 1)),
      );
      try {
        const cold = await execAndWall(
          "env",
          [
            `PM2_HOME=${dir}/pm2`,
            "pm2",
            "start",
            `${dir}/one.json`,
          ],
          marker,
          { waitExit: true },
        );
        coldExec.push(cold.execMs);
        startOne.push(cold.wallMs);
        await pm2(dir, "delete", "all");
        await untilCount(marker, 0);
        startOneWarm.push((await pm2(dir, "start", `${dir}/one.json`)).ms);
      } finally {
        await pm2Kill(dir);
      }
    });
  }, pm2ColdRun);
  return scaleFigures(
    {
      start100,
      add90,
      stop100,
      coldExec,
      coldExecKernel,
      startOne,
      startOneWarm,
    },
    { start100: "cold", startOne: "cold" },
  );
}

/** A cold `pm2 start` of one app, for the kernel's clock (exec_clock.ts). */
async function pm2ColdRun(marker: string, arg: string): Promise<ColdRun> {
  const dir = await tempDir("pm2");
  await Deno.writeTextFile(`${dir}/one.json`, pm2Apps([arg]));
  const cli = spawnSilent("env", [
    `PM2_HOME=${dir}/pm2`,
    "pm2",
    "start",
    `${dir}/one.json`,
  ]);
  return {
    cliPid: cli.pid,
    settled: cli.status,
    end: async () => {
      await cli.status;
      await pm2Kill(dir);
      await removeTemp(dir, marker);
    },
  };
}

// -------------------------------------------------------- supervisord

/** Runs `supervisord -n` on `conf` until `body` is done. */
async function withSupervisord<T>(
  dir: string,
  body: (ctl: (...a: string[]) => Promise<{ ms: number }>) => Promise<T>,
): Promise<T> {
  const conf = `${dir}/supervisord.conf`;
  const ctl = (...a: string[]) =>
    run("supervisorctl", ["-c", conf, ...a], { anyCode: true });
  const child = spawnSilent("supervisord", ["-n", "-c", conf]);
  try {
    const t = performance.now() + 30_000;
    while (!await socketUp(dir)) {
      if (performance.now() > t) throw new Error("supervisord did not start");
      await new Promise((r) => setTimeout(r, 20));
    }
    return await body(ctl);
  } finally {
    await ctl("shutdown").catch(() => {});
    await deadline(child.status, 15_000, "supervisord to exit").catch(() => {
      child.kill("SIGKILL");
      return child.status;
    });
  }
}

async function socketUp(dir: string): Promise<boolean> {
  try {
    (await Deno.connect({ transport: "unix", path: `${dir}/supervisor.sock` }))
      .close();
    return true;
  } catch {
    return false;
  }
}

async function supervisordScale(
  runs: number,
  bigRuns: number,
): Promise<Figure[]> {
  const start100: number[] = [];
  const add90: number[] = [];
  const stop100: number[] = [];
  const coldExec: number[] = [];
  const startOneWarm: number[] = [];
  for (let i = 0; i < bigRuns; i++) {
    const marker = newMarker();
    await inTemp("supervisord", marker, async (dir) => {
      const args = markedArgs(marker, 100);
      await Deno.writeTextFile(
        `${dir}/supervisord.conf`,
        supervisordConf(dir, args, { sleep: SLEEP, autostart: false }),
      );
      await withSupervisord(dir, async (ctl) => {
        const t0 = performance.now();
        await ctl("start", "all");
        start100.push((await untilCount(marker, 100)) - t0);
        const t1 = performance.now();
        await ctl("stop", "all");
        stop100.push((await untilCount(marker, 0, { intervalMs: 1 })) - t1);
      });
    });
    const marker2 = newMarker();
    await inTemp("supervisord", marker2, async (dir) => {
      const args = markedArgs(marker2, 100);
      const conf = `${dir}/supervisord.conf`;
      await Deno.writeTextFile(
        conf,
        supervisordConf(dir, args.slice(0, 10), {
          sleep: SLEEP,
          autostart: true,
        }),
      );
      await withSupervisord(dir, async (ctl) => {
        await untilCount(marker2, 10);
        const t0 = performance.now();
        await Deno.writeTextFile(
          conf,
          supervisordConf(dir, args, { sleep: SLEEP, autostart: true }),
        );
        await ctl("update");
        add90.push((await untilCount(marker2, 100)) - t0);
      });
    });
  }
  // Cold starts by the kernel's clock between these (see scale.ts).
  const coldExecKernel = await alternateColdStarts(runs, async () => {
    const marker = newMarker();
    await inTemp("supervisord", marker, async (dir) => {
      const conf = `${dir}/supervisord.conf`;
      const args = markedArgs(marker, 1);
      await Deno.writeTextFile(
        conf,
        supervisordConf(dir, args, { sleep: SLEEP, autostart: true }),
      );
      const cold = await execAndWall(
        "supervisord",
        ["-n", "-c", conf],
        marker,
        { waitExit: false },
      );
      coldExec.push(cold.execMs);
      await run("supervisorctl", ["-c", conf, "shutdown"], { anyCode: true });
      await deadline(cold.child.status, 15_000, "supervisord to exit")
        .catch(() => {
          cold.child.kill("SIGKILL");
          return cold.child.status;
        });
      await Deno.writeTextFile(
        conf,
        supervisordConf(dir, args, { sleep: SLEEP, autostart: false }),
      );
      await withSupervisord(dir, async (ctl) => {
        startOneWarm.push((await ctl("start", "s0")).ms);
      });
    });
  }, supervisordColdRun);
  return scaleFigures(
    { start100, add90, stop100, coldExec, coldExecKernel, startOneWarm },
    { start100: "warm" },
  );
}

/** A cold `supervisord -n` with one program, for the kernel's clock. */
async function supervisordColdRun(
  marker: string,
  arg: string,
): Promise<ColdRun> {
  const dir = await tempDir("supervisord");
  const conf = `${dir}/supervisord.conf`;
  await Deno.writeTextFile(
    conf,
    supervisordConf(dir, [arg], { sleep: SLEEP, autostart: true }),
  );
  const daemon = spawnSilent("supervisord", ["-n", "-c", conf]);
  return {
    cliPid: daemon.pid,
    end: async () => {
      await run("supervisorctl", ["-c", conf, "shutdown"], { anyCode: true });
      await deadline(daemon.status, 15_000, "supervisord to exit")
        .catch(() => {
          daemon.kill("SIGKILL");
          return daemon.status;
        });
      await removeTemp(dir, marker);
    },
  };
}

/** The scale figures of every peer on PATH, by tool; a failure is a note. */
export async function measurePeerScale(
  options: { runs: number; bigRuns: number },
): Promise<{
  results: { tool: "pm2" | "supervisord"; figures: Figure[] }[];
  notes: string[];
}> {
  const results: { tool: "pm2" | "supervisord"; figures: Figure[] }[] = [];
  const notes: string[] = [];
  const peers = [
    { tool: "pm2" as const, ok: which("pm2"), measure: pm2Scale },
    {
      tool: "supervisord" as const,
      ok: which("supervisord") && which("supervisorctl"),
      measure: supervisordScale,
    },
  ];
  for (const peer of peers) {
    if (!peer.ok) continue;
    try {
      results.push({
        tool: peer.tool,
        figures: await peer.measure(options.runs, options.bigRuns),
      });
    } catch (error) {
      notes.push(`${peer.tool} scale figures failed: ${String(error)}`);
    }
  }
  return { results, notes };
}
