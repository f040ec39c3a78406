import { join } from "node:path";
import { fixtureKiller, pollUntil } from "./_fixture.ts";

/** A running `tests/fixtures/sleeper.ts`, killed when disposed. */
export interface Sleeper extends AsyncDisposable {
  /** The spawned process. */
  readonly child: Deno.ChildProcess;
  /** Its PID, as written by the fixture itself. */
  readonly pid: number;
  /** The PID of its forked sleeper (`fork: true`), else null. */
  readonly childPid: number | null;
  /** SIGKILLs it (and its group when detached) and awaits its exit; idempotent. */
  kill(): Promise<void>;
}

/** Options of {@linkcode startSleeper}. */
export interface SleeperOptions {
  /** Fork a second sleeper in the same group. @default {false} */
  fork?: boolean;
  /** Start it in its own session and process group. @default {false} */
  detached?: boolean;
  /** Extra environment variables. @default {{}} */
  env?: Record<string, string>;
}

const SLEEPER = new URL("../fixtures/sleeper.ts", import.meta.url).pathname;

/** Starts the sleeper fixture and waits until it has written its PID file(s). */
export async function startSleeper(
  options: SleeperOptions = {},
): Promise<Sleeper> {
  const { fork = false, detached = false, env = {} } = options;
  const dir = await Deno.makeTempDir({ prefix: "tend_sleeper_" });
  const pidFile = join(dir, "sleeper.pid");
  const childPidFile = join(dir, "child.pid");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      ...(fork ? ["--allow-run"] : []),
      SLEEPER,
      pidFile,
      ...(fork ? ["--fork", childPidFile] : []),
    ],
    env,
    detached,
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let childPid: number | null = null;
  const kill = fixtureKiller(child, { group: detached, extra: () => childPid });
  const dispose = async () => {
    await kill();
    await Deno.remove(dir, { recursive: true });
  };
  try {
    const pid = await waitForPidFile(pidFile, child);
    if (pid !== child.pid) {
      throw new Error(`sleeper wrote ${pid}, not ${child.pid}`);
    }
    childPid = fork ? await waitForPidFile(childPidFile, child) : null;
    return { child, pid, childPid, kill, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Polls until `path` holds a PID; fails at the deadline or if `child` exits. */
function waitForPidFile(
  path: string,
  child: Deno.ChildProcess,
): Promise<number> {
  let exit: Deno.CommandStatus | null = null;
  void child.status.then((status) => exit = status);
  return pollUntil(async () => {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (/^\d+\n$/.test(text)) return Number(text);
    if (exit !== null) {
      throw new Error(`sleeper exited: ${JSON.stringify(exit)}`);
    }
    return undefined;
  }, `PID file ${path}`);
}
