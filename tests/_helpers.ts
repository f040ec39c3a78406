/**
 * Shared helpers of the end-to-end tests: temporary workspaces that clean up
 * every process they started, running the real CLI, and deadline waits.
 */
import { fromFileUrl } from "./_path.ts";
import { listProcesses, readEnvTag } from "../src/proc/scan.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));
/** The CLI entry. */
export const MAIN = `${ROOT}main.ts`;
/** The service fixture. */
export const SERVICE_FIXTURE = `${ROOT}tests/fixtures/service.ts`;
const CONFIG = `${ROOT}deno.json`;
const PERMISSIONS = [
  "--allow-all",
];

/** A temporary workspace; disposing it kills everything tagged with it and removes it. */
export interface TempWorkspace extends AsyncDisposable {
  /** Absolute path (realpath). */
  readonly dir: string;
  /** `<dir>/<name>`. */
  path(name: string): string;
  /** Writes tend.toml. */
  writeConfig(toml: string): Promise<void>;
}

/** Makes a workspace in a temp dir, with `toml` as its tend.toml when given. */
export async function makeTempWorkspace(toml?: string): Promise<TempWorkspace> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "tend-test-" }));
  const ws: TempWorkspace = {
    dir,
    path: (name) => `${dir}/${name}`,
    writeConfig: (text) => Deno.writeTextFile(`${dir}/tend.toml`, text),
    async [Symbol.asyncDispose]() {
      await killTagged(dir);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
  if (toml !== undefined) await ws.writeConfig(toml);
  return ws;
}

/**
 * Kills, by process group or PID, every process whose environment carries
 * this workspace's tag (services, their children, the supervisor).
 */
export async function killTagged(dir: string): Promise<number[]> {
  const killed: number[] = [];
  for (let round = 0; round < 5; round++) {
    const found = await taggedProcesses(dir);
    if (found.length === 0) break;
    for (const info of found) {
      try {
        if (info.pid === info.pgrp) Deno.kill(-info.pgrp, "SIGKILL");
        else Deno.kill(info.pid, "SIGKILL");
        killed.push(info.pid);
      } catch {
        // Already gone.
      }
    }
    await waitFor(async () => (await taggedProcesses(dir)).length === 0, {
      timeoutMs: 5_000,
      message: "tagged processes to die",
    }).catch(() => {});
  }
  return killed;
}

/** Live processes tagged with workspace `dir`. */
export async function taggedProcesses(dir: string) {
  const out = [];
  for (const info of await listProcesses()) {
    if (info.pid === Deno.pid) continue;
    const tags = await readEnvTag(info.pid, ["TEND_WORKSPACE", "TEND_SUPERVISOR"]);
    if (tags?.TEND_WORKSPACE === dir || tags?.TEND_SUPERVISOR === dir) out.push(info);
  }
  return out;
}

/** What a CLI run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The argv that runs the CLI from source. */
export function tendArgv(args: readonly string[]): string[] {
  return ["run", "--quiet", ...PERMISSIONS, "--config", CONFIG, MAIN, ...args];
}

/** A clean environment for the CLI (no colour, the caller's PATH and Deno cache). */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  for (const key of ["HOME", "DENO_DIR", "TMPDIR"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `tend ARGS` in `ws` and collects (code, stdout, stderr). */
export async function tend(
  ws: TempWorkspace | string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<RunResult> {
  const dir = typeof ws === "string" ? ws : ws.dir;
  const output = await new Deno.Command(Deno.execPath(), {
    args: tendArgv(args),
    cwd: options.cwd ?? dir,
    clearEnv: true,
    env: cliEnv(options.env),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs `tend status --json` and parses it. */
export async function statusJson(ws: TempWorkspace) {
  const result = await tend(ws, ["status", "--json"]);
  try {
    return JSON.parse(result.stdout) as import("../src/ipc/protocol.ts").StatusResponse;
  } catch {
    throw new Error(`status --json printed no JSON: ${JSON.stringify(result)}`);
  }
}

/** A `[[processes]]` entry running the service fixture with `args`. */
export function fixtureService(
  name: string,
  args: readonly string[] = [],
  extra = "",
): string {
  const argv = ["run", "-A", SERVICE_FIXTURE, ...args];
  return `[[processes]]
name = ${JSON.stringify(name)}
command = ${JSON.stringify(Deno.execPath())}
args = ${JSON.stringify(argv)}
${extra}
`;
}

/** Polls `predicate` until it is true, failing after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!await predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.message ?? "a condition"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/** Whether a process with this PID exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Reads a file of PIDs (one per line, first field), empty when absent. */
export async function readPids(file: string): Promise<number[]> {
  try {
    const text = await Deno.readTextFile(file);
    return text.split("\n").filter(Boolean).map((line) => Number(line.split(" ")[0]));
  } catch {
    return [];
  }
}
