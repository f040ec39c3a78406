import assert from "node:assert/strict";
import {
  BURN_FIXTURE,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  spawnTend,
  statusJson,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { LineSplitter } from "../../src/logs/line_splitter.ts";
import type { ServiceStatus, StatusResponse } from "../../src/ipc/protocol.ts";
import { assertRun } from "./_assert.ts";

/** A `[[processes]]` entry running the burn fixture. */
function burnService(name: string, marker: string): string {
  return `[[processes]]
name = ${JSON.stringify(name)}
command = ${JSON.stringify(Deno.execPath())}
args = ${JSON.stringify(["run", "-A", BURN_FIXTURE, marker])}
`;
}

/** CPU ticks the burner uses between the two status calls, at least. */
const BURN_TICKS = 20;

/** VmRSS of `pid` in bytes, from /proc/PID/status. */
async function vmRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  assert.ok(kib !== undefined, `no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}

/** CPU time of `pid` (all threads, user + system) in ticks of 1/100 s. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Waits until `marker` names one pid and returns it. */
async function markerPid(marker: string): Promise<number> {
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: `the service to write ${marker}`,
  });
  const [pid] = await readPids(marker);
  assert.ok(pid !== undefined && isAlive(pid));
  return pid;
}

/** The service called `name` in `status`. */
function service(status: StatusResponse, name: string): ServiceStatus {
  const found = status.services.find((s) => s.name === name);
  assert.ok(found, `no "${name}" in ${JSON.stringify(status)}`);
  return found;
}

/**
 * `tend status --json` with what the test saw around it: the wall clock,
 * VmRSS and CPU ticks of each pid, before and after.
 */
async function observedStatus(ws: TempWorkspace, pids: readonly number[]) {
  const rssBefore = await Promise.all(pids.map(vmRss));
  const ticksBefore = await Promise.all(pids.map(cpuTicks));
  const before = Date.now();
  const status = await statusJson(ws);
  const after = Date.now();
  const ticksAfter = await Promise.all(pids.map(cpuTicks));
  const rssAfter = await Promise.all(pids.map(vmRss));
  return {
    status,
    before,
    after,
    rssBefore,
    rssAfter,
    ticksBefore,
    ticksAfter,
  };
}

type Observed = Awaited<ReturnType<typeof observedStatus>>;

/**
 * The CPU percent of one core that pid number `i` can have used between
 * the moments the supervisor sampled it during `first` and `second`: at
 * least the ticks seen between the calls over the longest window, at most
 * the ticks seen around them over the shortest (one tick of slack each).
 */
function cpuBracket(
  first: Observed,
  second: Observed,
  i: number,
): { low: number; high: number } {
  const inner = second.ticksBefore[i]! - first.ticksAfter[i]!;
  const outer = second.ticksAfter[i]! - first.ticksBefore[i]!;
  const percent = (ticks: number, ms: number) => ticks * 10 / ms * 100;
  return {
    low: percent(Math.max(0, inner - 1), second.after - first.before),
    high: percent(outer + 1, second.before - first.after),
  };
}

/** Asserts `uptimeSeconds` is what `startedAt` gives at some moment of the call. */
function assertUptime(
  view: ServiceStatus,
  call: { before: number; after: number },
) {
  assert.ok(view.startedAt !== null, `${view.name} has no startedAt`);
  const started = Date.parse(view.startedAt);
  const low = Math.floor((call.before - started) / 1000);
  const high = Math.floor((call.after - started) / 1000);
  assert.ok(
    view.uptimeSeconds !== null && view.uptimeSeconds >= low &&
      view.uptimeSeconds <= high,
    `${view.name}: uptimeSeconds ${view.uptimeSeconds}, startedAt gives ${low}..${high}`,
  );
}

Deno.test("tend status --json reports CPU of one core, RSS and uptime of each service", async () => {
  await using ws = await makeTempWorkspace();
  const burnMarker = ws.path("burn.marker");
  const idleMarker = ws.path("idle.marker");
  await ws.writeConfig(
    burnService("burn", burnMarker) +
      fixtureService("idle", ["--marker", idleMarker]),
  );
  const startedFrom = Date.now();
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "burn" \(pid \d+\)\nstarted "idle" \(pid \d+\)\n$/,
    stderr: "",
  });
  const startedBy = Date.now();
  const burn = await markerPid(burnMarker);
  const idle = await markerPid(idleMarker);

  const first = await observedStatus(ws, [burn, idle]);
  // A second, and enough CPU time of the burner's own (by /proc) that its
  // figure cannot be confused with the idle one's, however loaded the
  // machine is: the test asserts what tend reports, not how fast it runs.
  await waitFor(
    async () =>
      Date.now() - first.after >= 1_000 &&
      await cpuTicks(burn) - first.ticksAfter[0]! >= BURN_TICKS,
    {
      message: `the burner to use ${BURN_TICKS} ticks of CPU`,
      timeoutMs: 60_000,
    },
  );
  const second = await observedStatus(ws, [burn, idle]);

  for (const call of [first, second]) {
    const views = [service(call.status, "burn"), service(call.status, "idle")];
    for (const [i, view] of views.entries()) {
      assert.equal(view.status, "running");
      assert.equal(view.pid, [burn, idle][i]);
      const started = Date.parse(view.startedAt ?? "");
      assert.ok(
        started >= startedFrom - 1 && started <= startedBy + 1,
        `${view.name}: startedAt ${view.startedAt} is outside tend start`,
      );
      assertUptime(view, call);
      const low = Math.min(call.rssBefore[i]!, call.rssAfter[i]!) * 0.8;
      const high = Math.max(call.rssBefore[i]!, call.rssAfter[i]!) * 1.2;
      assert.ok(
        view.rssBytes !== null && view.rssBytes >= low &&
          view.rssBytes <= high,
        `${view.name}: rssBytes ${view.rssBytes}, VmRSS gives ${low}..${high}`,
      );
    }
  }
  assert.equal(
    service(second.status, "burn").startedAt,
    service(first.status, "burn").startedAt,
  );
  // The burner wants one core; on a loaded machine it gets what it gets, so
  // its figure is checked against its own CPU time in /proc (which also
  // shows it was sampled from the burner), not against a threshold.
  const burnCpu = service(second.status, "burn").cpuPercent;
  const burnGot = cpuBracket(first, second, 0);
  assert.ok(burnGot.low > 0, `the burner got ${burnGot.low} % by /proc`);
  assert.ok(
    burnCpu !== null && burnCpu > 0 && burnCpu >= burnGot.low &&
      burnCpu <= 110 && burnCpu <= burnGot.high,
    `burn: cpuPercent ${burnCpu}, want ${burnGot.low.toFixed(1)}..${
      Math.min(110, burnGot.high).toFixed(1)
    } (one core at most; /proc gives ${burnGot.low.toFixed(1)}..${
      burnGot.high.toFixed(1)
    })`,
  );
  const idleCpu = service(second.status, "idle").cpuPercent;
  const idleGot = cpuBracket(first, second, 1);
  assert.ok(
    idleCpu !== null && idleCpu >= idleGot.low && idleCpu < 5 &&
      idleCpu <= idleGot.high && idleCpu < burnCpu,
    `idle: cpuPercent ${idleCpu}, want under 5 (/proc gives ${
      idleGot.low.toFixed(1)
    }..${idleGot.high.toFixed(1)})`,
  );

  const table = await tend(ws, ["status"]);
  assertRun(table, {
    code: 0,
    stdout: new RegExp(
      `\\nburn +running +${burn} +- +\\S+ +\\d+\\.\\d% +[\\d.]+[KMG] +0 +- *\\n` +
        `idle +running +${idle} +- +\\S+ +\\d+\\.\\d% +[\\d.]+[KMG] +0 +- *\\n$`,
    ),
    stderr: "",
  });
});

/**
 * Reads `count` lines of `stream` (then cancels it); fails when one takes
 * longer than `timeoutMs` after the previous.
 */
async function readLinesTimed(
  stream: ReadableStream<Uint8Array>,
  count: number,
  timeoutMs: number,
): Promise<string[]> {
  const reader = stream.getReader();
  const splitter = new LineSplitter();
  const lines: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    while (lines.length < count) {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `line ${lines.length + 1} did not come within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      });
      const { value, done } = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (done) throw new Error(`stream ended after ${lines.length} lines`);
      lines.push(...splitter.push(value));
    }
    return lines.slice(0, count);
  } finally {
    clearTimeout(timer);
    await reader.cancel();
  }
}

/** SIGKILLs `pid` unless it is gone already. */
function sigkill(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

Deno.test("tend status --watch --json prints one JSON document per line every second", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  const web = await markerPid(marker);

  const watcher = spawnTend(ws, ["status", "--watch", "--json"]);
  const stderr = new Response(watcher.stderr).text();
  try {
    // Two documents, each within a deadline: how far apart they come is a
    // figure of the machine's load, not of tend (the cadence is watchMs).
    const [one, two] = await readLinesTimed(watcher.stdout, 2, 30_000);
    for (const line of [one!, two!]) {
      const doc = JSON.parse(line) as StatusResponse;
      assert.equal(doc.workspace, ws.dir);
      assert.equal(doc.supervisor.status, "running");
      assert.deepEqual(
        doc.services.map((s) => [s.name, s.status, s.pid]),
        [["web", "running", web]],
      );
    }
  } finally {
    sigkill(watcher.pid);
    await watcher.status;
  }
  assert.equal(await stderr, "");
});
