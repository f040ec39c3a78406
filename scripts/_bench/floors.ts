/**
 * Runs the floors of the bench: what Deno alone costs for the job of a tend
 * figure, so that a target set as a ratio to Deno or in MiB can be read
 * against what any Deno program doing that job would measure.
 */
import { SUPERVISOR_V8_FLAGS } from "../../src/client/self_command.ts";
import { newMarker, sleepersOf, untilCount } from "./procs.ts";
import { statusModules } from "./status_modules.ts";

const HERE = new URL("./", import.meta.url).pathname;

/** How long the floor supervisor gets to start or to stop. */
const DEADLINE_MS = 30_000;

/** A running floor supervisor (floor_supervisor.ts) and its temp directory. */
export interface FloorSupervisor extends AsyncDisposable {
  readonly pid: number;
  /** Where its socket, lock, logs and PID files are. */
  readonly dir: string;
  /** The prefix of its services' `sleep` arguments (procs.ts). */
  readonly marker: string;
}

/**
 * Starts floor_supervisor.ts with `count` services, run as tend's
 * supervisor is (its V8 flags, `--config`), and resolves once every
 * service runs and its socket listens.
 */
export async function startFloorSupervisor(
  count: number,
  options: { config: string },
): Promise<FloorSupervisor> {
  const dir = await Deno.makeTempDir({ prefix: "tend-bench-floor-" });
  const marker = newMarker();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "-A",
      `--v8-flags=${SUPERVISOR_V8_FLAGS}`,
      "--config",
      options.config,
      `${HERE}floor_supervisor.ts`,
      dir,
      String(count),
      marker,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // It exited meanwhile.
      }
    }, DEADLINE_MS);
    await child.status;
    clearTimeout(timer);
    // Whatever it left behind, by PID: each service leads its own group.
    for (const pid of sleepersOf(marker).values()) {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await untilCount(marker, count, { timeoutMs: DEADLINE_MS });
    await untilReady(`${dir}/ready`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid, dir, marker, [Symbol.asyncDispose]: stop };
}

async function untilReady(path: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (true) {
    try {
      await Deno.stat(path);
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${path}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The one-file client of `tend status`'s request (floor_status.ts). */
export const FLOOR_STATUS = `${HERE}floor_status.ts`;

/**
 * Writes an entry into `dir` that loads every module `tend status` of the
 * checkout at `root` loads (`main.ts` does not run: it checks
 * `import.meta.main`) and does nothing; returns it with their count.
 */
export async function writeStatusModulesEntry(
  dir: string,
  root: string,
): Promise<{ entry: string; count: number }> {
  const modules = await statusModules(root);
  const entry = `${dir}/load_status_modules.ts`;
  await Deno.writeTextFile(
    entry,
    modules.map((specifier) => `import ${JSON.stringify(specifier)};\n`)
      .join("") + 'console.log("ok");\n',
  );
  return { entry, count: modules.length };
}
