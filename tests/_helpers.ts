/**
 * Shared helpers of the end-to-end tests: temporary workspaces that clean up
 * every process they started, running the real CLI, and deadline waits.
 */
import { fromFileUrl } from "./_path.ts";
import {
  listProcesses,
  type ProcessInfo,
  readEnvTag,
} from "../src/proc/scan.ts";
import type { StatusResponse } from "../src/ipc/protocol.ts";
import { TIMING_ENV } from "../src/timing.ts";
import { isDeadState, isProcessAlive } from "../src/proc/alive.ts";
import { ControlClient } from "../src/ipc/client.ts";
import { workspacePaths } from "../src/config/paths.ts";

/** The checkout under test (ends with a slash). */
export const ROOT = fromFileUrl(new URL("../", import.meta.url));
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
  /** Extra environment of every CLI run in it ({@linkcode tend}, {@linkcode spawnTend}). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Options of {@linkcode makeTempWorkspace}. `timing: "fast"` runs every CLI
 * (and so every supervisor) of the workspace with `TEND_TIMING=fast`, for a
 * test that would otherwise sit through tend's fixed waits (fence checks,
 * socket and orphan graces); the CLI and its supervisor then agree.
 */
export interface TempWorkspaceOptions {
  timing?: "default" | "fast";
}

/** The environment that gives a tend run the short test timing. */
export const FAST_TIMING_ENV: Readonly<Record<string, string>> = {
  [TIMING_ENV]: "fast",
};

/** Makes a workspace in a temp dir, with `toml` as its tend.toml when given. */
export async function makeTempWorkspace(
  toml?: string,
  options: TempWorkspaceOptions = {},
): Promise<TempWorkspace> {
  const dir = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "tend-test-" }),
  );
  const ws: TempWorkspace = {
    dir,
    path: (name) => `${dir}/${name}`,
    writeConfig: (text) => Deno.writeTextFile(`${dir}/tend.toml`, text),
    env: options.timing === "fast" ? FAST_TIMING_ENV : {},
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
export async function taggedProcesses(dir: string): Promise<ProcessInfo[]> {
  const out: ProcessInfo[] = [];
  for (const info of await listProcesses()) {
    if (info.pid === Deno.pid) continue;
    const tags = await readEnvTag(info.pid, [
      "TEND_WORKSPACE",
      "TEND_SUPERVISOR",
    ]);
    if (tags?.TEND_WORKSPACE === dir || tags?.TEND_SUPERVISOR === dir) {
      out.push(info);
    }
  }
  return out;
}

/** What a CLI run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The argv that runs the CLI from source, with `denoFlags` for `deno run`. */
export function tendArgv(
  args: readonly string[],
  denoFlags: readonly string[] = [],
): string[] {
  return [
    "run",
    "--quiet",
    ...PERMISSIONS,
    ...denoFlags,
    "--config",
    CONFIG,
    MAIN,
    ...args,
  ];
}

/** A clean environment for the CLI (no colour, the caller's PATH and Deno cache). */
export function cliEnv(
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  };
  for (const key of ["HOME", "DENO_DIR", "TMPDIR"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The (code, stdout, stderr) of a finished command. */
export function decodeOutput(output: Deno.CommandOutput): RunResult {
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Runs `tend ARGS` in `ws` and collects (code, stdout, stderr); `denoFlags`
 * go to its `deno run`. With `deadlineMs`, a run still going then is
 * killed and fails the test (a hang is a failure, not a stuck suite).
 */
export async function tend(
  ws: TempWorkspace | string,
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    denoFlags?: readonly string[];
    deadlineMs?: number;
  } = {},
): Promise<RunResult> {
  const dir = typeof ws === "string" ? ws : ws.dir;
  const wsEnv = typeof ws === "string" ? {} : ws.env;
  const output = await new Deno.Command(Deno.execPath(), {
    args: tendArgv(args, options.denoFlags),
    cwd: options.cwd ?? dir,
    clearEnv: true,
    env: cliEnv({ ...wsEnv, ...options.env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...options.deadlineMs === undefined
      ? {}
      : { signal: AbortSignal.timeout(options.deadlineMs) },
  }).output();
  if (output.signal !== null && options.deadlineMs !== undefined) {
    throw new Error(
      `tend ${args.join(" ")} did not end within ${options.deadlineMs} ms`,
    );
  }
  return decodeOutput(output);
}

/** Runs `tend status --json` and parses it. */
export async function statusJson(ws: TempWorkspace): Promise<StatusResponse> {
  const result = await tend(ws, ["status", "--json"]);
  try {
    return JSON.parse(
      result.stdout,
    ) as StatusResponse;
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

/**
 * A `[[processes]]` entry running `sh` that prints "up" and then sleeps,
 * ready on that line, with `extra` lines of its own.
 */
export function upService(name: string, extra = ""): string {
  return `[[processes]]
name = ${JSON.stringify(name)}
command = "sh"
args = ["-c", "echo up; exec sleep 300"]
ready = { log = "up" }
${extra}
`;
}

/**
 * The default deadline of the waits here: a condition met returns at once,
 * so only a test that fails waits this long, and a loaded CI machine
 * (processes booting ten times slower) stays well inside it.
 */
export const WAIT_MS = 30_000;

/** Polls `predicate` until it is true, failing after `timeoutMs` (30 s). */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? WAIT_MS);
  while (!await predicate()) {
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${options.message ?? "a condition"}`,
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, options.intervalMs ?? 25)
    );
  }
}

/** Whether a process with this PID exists and is not a zombie (tend's own check). */
export const isAlive: (pid: number) => boolean = isProcessAlive;

/** Reads a file of PIDs (one per line, first field), empty when absent. */
export async function readPids(file: string): Promise<number[]> {
  try {
    const text = await Deno.readTextFile(file);
    return text.split("\n").filter(Boolean).map((line) =>
      Number(line.split(" ")[0])
    );
  } catch {
    return [];
  }
}

/** The sleeper fixture (writes its PID file and stays alive). */
export const SLEEPER_FIXTURE = `${ROOT}tests/fixtures/sleeper.ts`;
/** The port-holder fixture (listens on HOST:PORT, prints `ready <port>`). */
export const HOLD_PORT_FIXTURE = `${ROOT}tests/fixtures/hold_port.ts`;

/**
 * A free TCP port: binds port 0 on `hostname` (all interfaces by default),
 * notes the port the kernel chose and closes the listener again.
 */
export function freePort(hostname = "0.0.0.0"): number {
  const listener = Deno.listen({ hostname, port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** This boot's ID, as tend records it in an identity. */
export async function readBootId(): Promise<string> {
  return (await Deno.readTextFile("/proc/sys/kernel/random/boot_id")).trim();
}

/** Live processes tagged with workspace `dir`, with the tags read. */
export async function taggedWith(dir: string): Promise<
  { pid: number; pgrp: number; supervisor: boolean; service: string | null }[]
> {
  const out = [];
  for (const info of await listProcesses()) {
    if (info.pid === Deno.pid || isDeadState(info.state)) continue;
    const tags = await readEnvTag(info.pid, [
      "TEND_WORKSPACE",
      "TEND_SUPERVISOR",
      "TEND_SERVICE",
    ]);
    const supervisor = tags?.TEND_SUPERVISOR === dir;
    if (!supervisor && tags?.TEND_WORKSPACE !== dir) continue;
    out.push({
      pid: info.pid,
      pgrp: info.pgrp,
      supervisor,
      service: tags?.TEND_SERVICE ?? null,
    });
  }
  return out;
}

/** A process a test started itself; disposing it SIGKILLs it by PID and awaits its exit. */
export interface OwnProcess extends AsyncDisposable {
  /** The spawned process. */
  readonly child: Deno.ChildProcess;
  /** Its PID. */
  readonly pid: number;
  /** SIGKILLs it (its group when it leads one) and awaits its exit; idempotent. */
  kill(): Promise<Deno.CommandStatus>;
}

function ownProcess(
  child: Deno.ChildProcess,
  options: { group: boolean },
): OwnProcess {
  let done: Promise<Deno.CommandStatus> | null = null;
  const kill = () =>
    done ??= (async () => {
      try {
        Deno.kill(options.group ? -child.pid : child.pid, "SIGKILL");
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      return await child.status;
    })();
  return {
    child,
    pid: child.pid,
    kill,
    async [Symbol.asyncDispose]() {
      await kill();
    },
  };
}

/**
 * Starts the sleeper fixture, unrelated to any workspace (a clean
 * environment, its own session and process group), and waits until it has
 * written its PID to `pidFile`.
 */
export async function startSleeper(pidFile: string): Promise<OwnProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", SLEEPER_FIXTURE, pidFile],
    clearEnv: true,
    env: cliEnv(),
    detached: true,
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const own = ownProcess(child, { group: true });
  try {
    await waitFor(async () => (await readPids(pidFile))[0] === child.pid, {
      message: `the sleeper to write ${pidFile}`,
    });
    return own;
  } catch (error) {
    await own.kill();
    throw error;
  }
}

/**
 * Starts the port-holder fixture on `hostname:port` and waits for its
 * `ready <port>` line. Returns the process and the port it holds.
 */
export async function holdPort(
  hostname: string,
  port: number,
): Promise<OwnProcess & { port: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", HOLD_PORT_FIXTURE, hostname, String(port)],
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const own = ownProcess(child, { group: false });
  try {
    const line = await firstLine(child.stdout, 20_000);
    const match = /^ready (\d+)$/.exec(line);
    if (match === null) {
      throw new Error(`hold_port said ${JSON.stringify(line)}`);
    }
    return { ...own, port: Number(match[1]) };
  } catch (error) {
    await own.kill();
    throw error;
  }
}

/** The first line of `stream` (which is then cancelled), failing after `timeoutMs`. */
export async function firstLine(
  stream: ReadableStream<Uint8Array>,
  timeoutMs: number,
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no line within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) break;
      text += value;
    }
    return text.split("\n")[0] ?? "";
  } finally {
    clearTimeout(timer);
    await reader.cancel();
  }
}

/**
 * Spawns `tend ARGS` in `ws` without waiting for it, as {@linkcode tend}
 * runs it, but tagged `TEND_SUPERVISOR=<dir>` so that disposing the
 * workspace also kills it (a foreground `tend up` is a supervisor). The
 * caller reads or closes the piped streams and awaits the status.
 */
export function spawnTend(
  ws: TempWorkspace,
  args: readonly string[],
  options: { stdout?: "piped" | "null"; stderr?: "piped" | "null" } = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: tendArgv(args),
    cwd: ws.dir,
    clearEnv: true,
    env: cliEnv({ ...ws.env, TEND_SUPERVISOR: ws.dir }),
    stdin: "null",
    stdout: options.stdout ?? "piped",
    stderr: options.stderr ?? "piped",
  }).spawn();
}

/** The stamp fixture (appends "<pid> <ms>" to a file, then exits with a code). */
export const STAMP_FIXTURE = `${ROOT}tests/fixtures/stamp.ts`;
/** The note-stop fixture (notes "start/ready/stop NAME" lines in a file). */
export const NOTE_STOP_FIXTURE = `${ROOT}tests/fixtures/note_stop.ts`;
/** The slow-ready fixture (prints "ready-now" after a delay). */
export const SLOW_READY_FIXTURE = `${ROOT}tests/fixtures/slow_ready.ts`;

/** A `[[processes]]` entry running the fixture file `fixture` with `args` through `deno run -A`. */
export function denoFixtureService(
  name: string,
  fixture: string,
  options: { args?: readonly string[]; extra?: string } = {},
): string {
  const argv = ["run", "-A", fixture, ...options.args ?? []];
  return `[[processes]]
name = ${JSON.stringify(name)}
command = ${JSON.stringify(Deno.execPath())}
args = ${JSON.stringify(argv)}
${options.extra ?? ""}
`;
}

/** The PID in the workspace's `.tend/run/supervisor.pid`, or `null` when absent. */
export async function supervisorPid(ws: TempWorkspace): Promise<number | null> {
  try {
    const text = await Deno.readTextFile(ws.path(".tend/run/supervisor.pid"));
    return Number(text.trim());
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** The non-empty lines of a text file, empty when it is absent. */
export async function readLines(file: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(file)).split("\n").filter(Boolean);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/**
 * The status as the workspace's supervisor answers it on its control socket,
 * or `null` while none answers. What `tend status --json` prints when a
 * supervisor answers, without a CLI run per poll (cheap on a loaded
 * machine) and never read from the state files: a status read from them
 * while the supervisor binds its socket (or does not answer in time) says
 * "running" as soon as a process lives, before it is ready.
 */
export async function supervisorStatus(
  ws: TempWorkspace,
): Promise<StatusResponse | null> {
  using client = new ControlClient(workspacePaths(ws.dir).socket);
  try {
    return await client.tryStatus({ timeoutMs: 5_000 });
  } catch {
    return null;
  }
}

/**
 * Polls the supervisor (see {@linkcode supervisorStatus}) until it answers
 * with every service satisfying `predicate`, and returns that answer; fails
 * after `timeoutMs` (30 s) showing the last one.
 */
export async function waitForServices(
  ws: TempWorkspace,
  predicate: (service: StatusResponse["services"][number]) => boolean,
  options: { timeoutMs?: number; message?: string } = {},
): Promise<StatusResponse> {
  const deadline = Date.now() + (options.timeoutMs ?? WAIT_MS);
  while (true) {
    const status = await supervisorStatus(ws);
    const services = status?.services ?? [];
    if (services.length > 0 && services.every(predicate)) return status!;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${
          options.message ?? "every service to reach a state"
        }; last seen: ${JSON.stringify(status)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Polls the supervisor (see {@linkcode supervisorStatus}) until it answers
 * with service `name` satisfying `predicate`, and returns that view; fails
 * after `timeoutMs` (30 s) showing the last view.
 */
export async function waitForService(
  ws: TempWorkspace,
  name: string,
  predicate: (service: StatusResponse["services"][number]) => boolean,
  options: { timeoutMs?: number; message?: string } = {},
): Promise<StatusResponse["services"][number]> {
  const deadline = Date.now() + (options.timeoutMs ?? WAIT_MS);
  while (true) {
    const status = await supervisorStatus(ws);
    const view = status?.services.find((s) => s.name === name);
    if (view !== undefined && predicate(view)) return view;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${
          options.message ?? `"${name}" to reach a state`
        }; last seen: ${JSON.stringify(view)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The daemonize fixture (a service that leaves a daemon in its own session). */
export const DAEMONIZE_FIXTURE = `${ROOT}tests/fixtures/daemonize.ts`;
/** The burn fixture (keeps one core busy). */
export const BURN_FIXTURE = `${ROOT}tests/fixtures/burn.ts`;

/**
 * The argv (after `Deno.execPath()`) of the daemon that the daemonize
 * fixture starts with `--orphan FILE`: the same command line, byte for byte.
 */
export function daemonArgs(
  file: string,
  options: { ignoreTerm?: boolean } = {},
): string[] {
  return [
    "run",
    "-A",
    DAEMONIZE_FIXTURE,
    "--daemon",
    file,
    ...(options.ignoreTerm === true ? ["--ignore-term"] : []),
  ];
}

/**
 * Spawns `command ARGS` with exactly `env` (the rest of the environment
 * cleared), in its own session and process group, stdio on /dev/null but
 * stderr inherited. Disposing it SIGKILLs its group and awaits its exit: the
 * way to own a process spawned without this workspace's tag (or with
 * another's), which disposing a workspace does not reach.
 */
export function spawnOwn(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): OwnProcess {
  const child = new Deno.Command(command, {
    args: [...args],
    clearEnv: true,
    env,
    detached: true,
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  return ownProcess(child, { group: true });
}

/**
 * Waits until `file` has at least `count` non-empty lines (a fixture may
 * write its marker after tend already counts it started), and returns them.
 */
export async function waitForLines(
  file: string,
  count: number,
  options: { timeoutMs?: number } = {},
): Promise<string[]> {
  await waitFor(async () => (await readLines(file)).length >= count, {
    timeoutMs: options.timeoutMs ?? WAIT_MS,
    message: `${count} lines in ${file}`,
  });
  return await readLines(file);
}
