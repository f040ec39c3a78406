/**
 * Shared pieces of the chaos scenarios (`deno task chaos` and
 * `tests/e2e/chaos_fast_test.ts`): a recorder of cases that held or not,
 * running the real CLI under a deadline, an independent `/proc` oracle
 * (its own reader, not tend's), a seeded random source, and workspaces
 * that kill everything tagged with them when disposed.
 *
 * Nothing here prints: scenarios report through the `log` callback and
 * their {@linkcode ScenarioResult}.
 */
import {
  cliEnv,
  killTagged,
  makeTempWorkspace,
  type TempWorkspace,
  tendArgv,
} from "../../tests/_helpers.ts";
import type { ServiceStatus, StatusResponse } from "../../src/ipc/protocol.ts";
import { isDeadState, isProcessAlive } from "../../src/proc/alive.ts";

export { killTagged, makeTempWorkspace, type TempWorkspace };

/** The repository root, with a trailing slash. */
export const ROOT = new URL("../../", import.meta.url).pathname;
/** The fixture that notes every catchable signal it gets in a witness file. */
export const WITNESS_FIXTURE = `${ROOT}tests/fixtures/signal_witness.ts`;

/** What one scenario found. */
export interface ScenarioResult {
  id: string;
  title: string;
  /** Cases run. */
  tried: number;
  /** Cases in which every check held. */
  held: number;
  /** Measured figures (name -> value with its unit in the name). */
  figures: Record<string, number | string>;
  /** One line per check that did not hold (capped), `case: what`. */
  failures: string[];
  /** Wall time of the scenario. */
  seconds: number;
}

/** Options every scenario takes. */
export interface ScenarioOptions {
  /** Seeded random source. */
  rng: Rng;
  /** Progress lines (stderr in the script, nothing in the test). */
  log: (line: string) => void;
}

const MAX_FAILURES_KEPT = 60;

/**
 * Counts cases and the checks that failed in them. A case holds when none
 * of its checks failed.
 */
export class Recorder {
  readonly figures: Record<string, number | string> = {};
  readonly failures: string[] = [];
  #tried = 0;
  #held = 0;
  #dropped = 0;
  readonly #started = performance.now();

  constructor(readonly id: string, readonly title: string) {}

  /** Runs one case; `body` reports problems through the `fail` it is given. */
  async case(
    name: string,
    body: (fail: (problem: string) => void) => void | Promise<void>,
  ): Promise<boolean> {
    this.#tried++;
    const problems: string[] = [];
    const fail = (problem: string) => problems.push(problem);
    try {
      await body(fail);
    } catch (error) {
      problems.push(`threw: ${describeError(error)}`);
    }
    if (problems.length === 0) {
      this.#held++;
      return true;
    }
    for (const problem of problems) {
      if (this.failures.length < MAX_FAILURES_KEPT) {
        this.failures.push(`${name}: ${problem}`);
      } else this.#dropped++;
    }
    return false;
  }

  /** The result so far. */
  result(): ScenarioResult {
    const failures = [...this.failures];
    if (this.#dropped > 0) failures.push(`(${this.#dropped} more not shown)`);
    return {
      id: this.id,
      title: this.title,
      tried: this.#tried,
      held: this.#held,
      figures: this.figures,
      failures,
      seconds: round((performance.now() - this.#started) / 1000, 1),
    };
  }
}

/** A printable one-line description of a thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Median, max and count of samples. */
export function summary(
  samples: readonly number[],
): { median: number; p95: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    median: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted.at(-1) ?? NaN),
    n: sorted.length,
  };
}

// --- random ------------------------------------------------------------------

/** A seeded random source (mulberry32): the same seed, the same run. */
export class Rng {
  #state: number;
  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** A random, possibly empty, subset of `items` in their order. */
  subset<T>(items: readonly T[]): T[] {
    return items.filter(() => this.next() < 0.5);
  }
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

// --- running the CLI ----------------------------------------------------------

/** One CLI run. */
export interface Run {
  args: readonly string[];
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** The deadline passed and the CLI was SIGKILLed: a hang. */
  timedOut: boolean;
}

/** Runs `tend ARGS` in `dir` (as its cwd) and SIGKILLs it at the deadline. */
export async function runTend(
  dir: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<Run> {
  return await runWithDeadline(Deno.execPath(), tendArgv(args), {
    cwd: dir,
    env: cliEnv(options.env),
    timeoutMs: options.timeoutMs ?? 20_000,
    args,
  });
}

/** Starts `tend ARGS` now; the promise is its {@linkcode Run}. */
export function startTend(
  dir: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<Run> {
  return runTend(dir, args, options);
}

async function runWithDeadline(
  command: string,
  argv: string[],
  options: {
    cwd: string;
    env: Record<string, string>;
    timeoutMs: number;
    args: readonly string[];
  },
): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command(command, {
    args: argv,
    cwd: options.cwd,
    clearEnv: true,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // It exited meanwhile.
    }
  }, options.timeoutMs);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      args: options.args,
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
      ms: performance.now() - started,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a program to completion (no deadline needed: local tools). */
export async function runTool(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, {
    args: [...args],
    clearEnv: true,
    env: options.env ?? { PATH: "/usr/bin:/bin" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/**
 * What is wrong with a run that must end in success or in a clear error:
 * `null` when it is fine. A clear error is a non-zero exit other than 70
 * with exactly one `error: ` line on stderr and no stack trace. Lines after
 * it are `hint:` lines or, as the README documents for start failures, the
 * quoted tail of a log. `okCodes` are exits that are not errors (3 for
 * `status`: something is not running).
 */
export function unclearOutcome(
  run: Run,
  options: { okCodes?: readonly number[] } = {},
): string | null {
  const cmd = `tend ${run.args.join(" ")}`;
  const quote = (s: string) => JSON.stringify(s.slice(0, 300));
  if (run.timedOut) return `${cmd}: hung (killed after ${round(run.ms)} ms)`;
  if (run.code === 70) {
    return `${cmd}: exit 70 (a bug in tend): ${quote(run.stderr)}`;
  }
  if (STACK_LINE.test(run.stderr) || /Uncaught|panicked/.test(run.stderr)) {
    return `${cmd}: stack trace on stderr (exit ${run.code}): ${
      quote(run.stderr)
    }`;
  }
  const errors = run.stderr.split("\n")
    .filter((line) => line.startsWith("error: ")).length;
  if (run.code === 0 || options.okCodes?.includes(run.code)) {
    if (errors > 0) {
      return `${cmd}: exit ${run.code} with an error line: ${
        quote(run.stderr)
      }`;
    }
    return null;
  }
  // A start reports each service that failed: one error line each.
  const perService = run.stderr.split("\n")
    .filter((line) => line.startsWith("error: "))
    .every((line) => line.startsWith('error: Cannot start "'));
  if (errors !== 1 && !(errors > 1 && perService)) {
    return `${cmd}: exit ${run.code} with ${errors} "error:" lines: ${
      quote(run.stderr)
    }`;
  }
  return null;
}

/** Whether an error run's stderr is only `error:` and `hint:` lines. */
export function isTerseError(run: Run): boolean {
  return run.stderr.split("\n").filter((line) => line !== "")
    .every((line) => line.startsWith("error: ") || line.startsWith("hint: "));
}

/** The first line of stderr, for figures and messages. */
export function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

// --- the /proc oracle -----------------------------------------------------------

/** One live process as this oracle sees it. */
export interface Proc {
  pid: number;
  pgrp: number;
  sid: number;
  state: string;
  startTicks: number;
  argv: string[];
  env: Map<string, string>;
}

async function readProc(pid: number): Promise<Proc | null> {
  try {
    const [stat, cmdline, environ] = await Promise.all([
      Deno.readTextFile(`/proc/${pid}/stat`),
      Deno.readFile(`/proc/${pid}/cmdline`),
      Deno.readFile(`/proc/${pid}/environ`),
    ]);
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    const decoder = new TextDecoder();
    const env = new Map<string, string>();
    for (const entry of decoder.decode(environ).split("\0")) {
      const eq = entry.indexOf("=");
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return {
      pid,
      state: fields[0] ?? "?",
      pgrp: Number(fields[2]),
      sid: Number(fields[3]),
      startTicks: Number(fields[19]),
      argv: decoder.decode(cmdline).split("\0").filter((a) => a !== ""),
      env,
    };
  } catch {
    return null; // gone, or a kernel thread without environ
  }
}

/** Every live (not zombie) process, with its environment. */
export async function allProcesses(): Promise<Proc[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (/^\d+$/.test(entry.name)) pids.push(Number(entry.name));
  }
  const procs = await Promise.all(pids.map(readProc));
  return procs.filter((p): p is Proc =>
    p !== null && !isDeadState(p.state) && p.pid !== Deno.pid
  );
}

/** What of workspace `dir` runs, by its tags. */
export interface Snapshot {
  /** Every process tagged with the workspace (supervisor or service). */
  tagged: Proc[];
  /** Supervisors: tend processes tagged `TEND_SUPERVISOR=dir` running `__supervise` or `up`. */
  supervisors: Proc[];
  /** Group leaders tagged `TEND_WORKSPACE=dir`, by `TEND_SERVICE`. */
  leaders: Map<string, number[]>;
}

/** Takes a {@linkcode Snapshot} of workspace `dir`. */
export async function snapshot(dir: string): Promise<Snapshot> {
  const tagged = (await allProcesses()).filter((p) =>
    p.env.get("TEND_SUPERVISOR") === dir || p.env.get("TEND_WORKSPACE") === dir
  );
  // Tagged wrappers (a `script` around a foreground `tend up`) are not
  // supervisors: only tend running `__supervise` or `up` is.
  const supervisors = tagged.filter((p) =>
    p.env.get("TEND_SUPERVISOR") === dir &&
    p.argv.some((a) => a.endsWith("main.ts")) &&
    (p.argv.includes("__supervise") || p.argv.includes("up"))
  );
  const leaders = new Map<string, number[]>();
  for (const p of tagged) {
    if (p.env.get("TEND_SUPERVISOR") === dir || p.pid !== p.pgrp) continue;
    const name = p.env.get("TEND_SERVICE") ?? "?";
    leaders.set(name, [...leaders.get(name) ?? [], p.pid]);
  }
  return { tagged, supervisors, leaders };
}

/** Whether `pid` is a live process (not a zombie): tend's own check. */
export function isAlive(pid: number): Promise<boolean> {
  return Promise.resolve(isProcessAlive(pid));
}

/** Field 22 of `/proc/PID/stat`, or null when gone. */
export async function startTicksOf(pid: number): Promise<number | null> {
  return (await readProc(pid))?.startTicks ?? null;
}

/** utime + stime of `pid` in clock ticks, or null when gone. */
export async function cpuTicks(pid: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** SIGKILLs `pid` if it is a live supervisor of `dir` (checked by its tag). */
export async function killSupervisor(
  dir: string,
  pid: number,
): Promise<boolean> {
  const proc = await readProc(pid);
  if (proc === null || proc.env.get("TEND_SUPERVISOR") !== dir) return false;
  try {
    Deno.kill(pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}

/** The PID in `.tend/run/supervisor.pid`, or null when absent or not a number. */
export async function supervisorPidFile(dir: string): Promise<number | null> {
  try {
    const text = (await Deno.readTextFile(`${dir}/.tend/run/supervisor.pid`))
      .trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

// --- waiting ------------------------------------------------------------------

/** Sleeps `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` (which returns the problems it sees, none when it holds)
 * until it holds or `timeoutMs` passes; returns the last problems.
 */
export async function settle(
  check: () => Promise<string[]>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<string[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (true) {
    const problems = await check();
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(options.intervalMs ?? 100);
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, in order of start. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

// --- configs ------------------------------------------------------------------

/**
 * A `[[processes]]` entry of a cheap service: `sh` appends "<pid> NAME" to
 * `marker`, then becomes `sleep` (same PID), ready after `min_ready`.
 */
export function sleeperService(
  name: string,
  marker: string,
  extra = "",
): string {
  return `[[processes]]
name = ${JSON.stringify(name)}
command = "sh"
args = ["-c", "echo \\"$$ $1\\" >> \\"$0\\"; exec sleep 3600", ${
    JSON.stringify(marker)
  }, ${JSON.stringify(name)}]
min_ready = "100ms"
stop_timeout = "5s"
${extra}
`;
}

/** The PIDs noted in a marker file for service `name`. */
export async function markerPids(
  marker: string,
  name: string,
): Promise<number[]> {
  try {
    return (await Deno.readTextFile(marker)).split("\n")
      .map((line) => line.split(" "))
      .filter((f) => f[1] === name)
      .map((f) => Number(f[0]));
  } catch {
    return [];
  }
}

/** One service of `tend status --json`. */
export type ServiceView = ServiceStatus;

/** `tend status --json`, parsed; `null` (and the run) when it printed no JSON. */
export async function statusOf(
  dir: string,
): Promise<
  {
    run: Run;
    json: StatusResponse | null;
  }
> {
  const run = await runTend(dir, ["status", "--json"]);
  try {
    return { run, json: JSON.parse(run.stdout) };
  } catch {
    return { run, json: null };
  }
}

/**
 * The invariant after a successful `tend start` of every service: one
 * supervisor (the one status names), every service `running` with a live
 * PID that is the one tagged group leader of that service. Returns the
 * problems (none when it holds).
 */
export async function checkAllRunning(
  dir: string,
  names: readonly string[],
): Promise<string[]> {
  const problems: string[] = [];
  const { run, json } = await statusOf(dir);
  if (json === null) return [`status --json printed no JSON: ${run.stderr}`];
  const snap = await snapshot(dir);
  if (json.supervisor.status !== "running") {
    problems.push(`supervisor is ${json.supervisor.status}`);
  }
  const sups = snap.supervisors.map((p) => p.pid);
  if (sups.length !== 1 || sups[0] !== json.supervisor.pid) {
    problems.push(
      `supervisor processes ${
        JSON.stringify(sups)
      }, status says ${json.supervisor.pid}`,
    );
  }
  for (const name of names) {
    const view = json.services.find((s) => s.name === name);
    const leaders = snap.leaders.get(name) ?? [];
    if (leaders.length > 1) {
      problems.push(`duplicate "${name}": ${JSON.stringify(leaders)}`);
    }
    if (view?.status !== "running") {
      problems.push(`"${name}" is ${view?.status ?? "missing"}`);
      continue;
    }
    if (view.pid === null || !leaders.includes(view.pid)) {
      problems.push(
        `"${name}" pid ${view.pid} is not its tagged group leader (${
          JSON.stringify(leaders)
        })`,
      );
    }
  }
  for (const [name, pids] of snap.leaders) {
    if (!names.includes(name)) {
      problems.push(`unexpected tagged leader "${name}" ${pids}`);
    }
  }
  return problems;
}

/** `tend cleanup --dry-run --json` orphans (pids), or a problem string. */
export async function orphansOf(dir: string): Promise<number[] | string> {
  const run = await runTend(dir, ["cleanup", "--dry-run", "--json"]);
  try {
    const body = JSON.parse(run.stdout) as { orphans: { pid: number }[] };
    return body.orphans.map((o) => o.pid);
  } catch {
    return `cleanup --dry-run --json: exit ${run.code}: ${
      firstLine(run.stderr || run.stdout)
    }`;
  }
}

/**
 * Waits until nothing tagged with `dir` runs; returns the survivors' PIDs
 * (empty when it held) and how long it took.
 */
export async function waitUntilNothingTagged(
  dir: string,
  timeoutMs: number,
): Promise<{ survivors: number[]; ms: number }> {
  const started = performance.now();
  let last: number[] = [];
  await settle(async () => {
    last = (await snapshot(dir)).tagged.map((p) => p.pid);
    return last.map(String);
  }, { timeoutMs, intervalMs: 50 });
  return { survivors: last, ms: performance.now() - started };
}

/** Ends a workspace: `tend down` (deadline), then SIGKILL whatever is tagged. */
export async function teardown(dir: string): Promise<void> {
  await runTend(dir, ["down"], { timeoutMs: 20_000 }).catch(() => {});
  await killTagged(dir);
}
