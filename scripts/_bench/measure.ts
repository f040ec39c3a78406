/** Shared pieces of the benchmarks: timing, statistics, and running tend. */
import { SUPERVISOR_V8_FLAGS } from "../../src/client/self_command.ts";

/** Median, min and max of some samples, in the samples' unit. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Summarises samples. */
export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    median: round(median),
    min: round(sorted[0] ?? NaN),
    max: round(sorted.at(-1) ?? NaN),
    runs: sorted.length,
  };
}

/** Rounds to 0.1. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The tend measured: this tree, or another checkout (`TEND_BENCH_ROOT`). */
export const TEND_ROOT =
  Deno.env.get("TEND_BENCH_ROOT")?.replace(/\/?$/, "/") ??
    new URL("../../", import.meta.url).pathname;

/** The argv of the CLI from source (what `deno task tend` runs). */
export function tendArgv(args: readonly string[]): string[] {
  return [
    "run",
    "--quiet",
    "-A",
    // As `deno task tend` and the README's install command run it; the
    // supervisor then shares the CLI's code cache (self_command.ts).
    `--v8-flags=${SUPERVISOR_V8_FLAGS}`,
    "--config",
    `${TEND_ROOT}deno.json`,
    `${TEND_ROOT}main.ts`,
    ...args,
  ];
}

/** Runs a program and returns its exit code, output and wall time in ms. */
export async function timed(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const out = await new Deno.Command(command, {
    args: [...args],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
    ms,
  };
}

/** Spawns `command args` with no stdin and its output thrown away. */
export function spawnSilent(
  command: string,
  args: readonly string[],
): Deno.ChildProcess {
  return new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Runs `tend ARGS` in `dir`, failing loudly on an unexpected exit code. */
export async function tend(
  dir: string,
  args: readonly string[],
  options: { expect?: number[] } = {},
): Promise<{ stdout: string; ms: number }> {
  const result = await timed(Deno.execPath(), tendArgv(["-C", dir, ...args]));
  const expected = options.expect ?? [0];
  if (!expected.includes(result.code)) {
    throw new Error(
      `tend ${args.join(" ")} exited ${result.code}: ${result.stderr}`,
    );
  }
  return result;
}

/** A temp workspace holding `toml`; removes itself (after `tend down`). */
export async function workspace(
  toml: string,
): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "tend-bench-" }),
  );
  await Deno.writeTextFile(`${dir}/tend.toml`, toml);
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await timed(Deno.execPath(), tendArgv(["-C", dir, "down"]));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** `count` services running `sleep 3600`, ready as soon as they are spawned. */
export function sleepers(count: number, extra = ""): string {
  let toml = "";
  for (let i = 0; i < count; i++) {
    toml +=
      `[[processes]]\nname = "s${i}"\ncommand = "sleep"\nargs = ["3600"]\nmin_ready = 0\n${extra}\n`;
  }
  return toml;
}

/** Polls `predicate` every `intervalMs` until it holds or `timeoutMs` passes. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!await predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.what}`);
    }
    await new Promise((resolve) =>
      setTimeout(resolve, options.intervalMs ?? 5)
    );
  }
}

/**
 * utime+stime ticks, VmRSS bytes and the anonymous part of them (RssAnon:
 * heap and stacks; the rest is pages of files, mostly the runtime's own
 * executable and libraries, shared with other processes that map them and
 * dropped first when memory is short) of a process.
 */
export async function procUsage(
  pid: number,
): Promise<{ ticks: number; rssBytes: number; anonBytes: number }> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    ticks,
    rssBytes: kb("VmRSS") * 1024,
    anonBytes: kb("RssAnon") * 1024,
  };
}

/** The full path of `program` on PATH, or undefined. */
export function which(program: string): string | undefined {
  for (const dir of Deno.env.get("PATH")?.split(":") ?? []) {
    try {
      if (Deno.statSync(`${dir}/${program}`).isFile) {
        return `${dir}/${program}`;
      }
    } catch { /* not here */ }
  }
  return undefined;
}
