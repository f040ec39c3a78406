import {
  serviceLogFile,
  servicePidFile,
  type WorkspacePaths,
} from "../config/paths.ts";
import { markSpawningNow } from "../fence/pid_file.ts";
import { removeIfPresent } from "../fence/safe_file.ts";
import type { ServiceConfig } from "../config/schema.ts";
import {
  type ExitStatus,
  spawnDetached,
  type SpawnedProcess,
} from "../proc/spawn.ts";
import { holdLibc } from "../proc/log_fd.ts";
import { TendError } from "../errors.ts";
import { ensureParentDirNow } from "../fence/parent_dir.ts";
import { waitReady } from "./ready.ts";
import { tailLines } from "../logs/tail.ts";
import { fillReferences, portEnvironment } from "../config/references.ts";
import { readEnvFiles } from "./env_file.ts";
import { isSuccess } from "./policy.ts";
import { withLogTail } from "./action_results.ts";

/** Lines of a service's log quoted when it fails to start. */
const FAILURE_TAIL_LINES = 20;

/** What {@linkcode launchService} needs besides the service's config. */
export interface LaunchContext {
  paths: WorkspacePaths;
  baseEnv: Readonly<Record<string, string>>;
  /** The port granted to this launch, if the service has one. */
  port: number | null;
  /**
   * The port of every service of the workspace that has one (granted, or
   * wanted when not running), for `{services.NAME.port}` and
   * `TEND_<NAME>_PORT`. @default {new Map()}
   */
  peerPorts?: ReadonlyMap<string, number>;
  /** Called once the process exists, before readiness is awaited. */
  onSpawn(child: SpawnedProcess, port: number | null): Promise<void>;
  /** Aborted when a stop cancels the start: the wait ends at once. */
  signal?: AbortSignal;
}

/** How a launch ended. */
export type LaunchOutcome =
  | { kind: "ready"; pid: number }
  /** A job (`type = "oneshot"`) exited with a success code. */
  | { kind: "completed"; pid: number; exit: ExitStatus }
  | { kind: "exited-log"; exit: ExitStatus; logTail: string }
  | { kind: "timeout"; logTail: string }
  | { kind: "cancelled" };

/**
 * Keeps what a spawn needs loaded (libc, for the log's fd) until disposed
 * of: held across a `start` of many services, their spawns load it once.
 */
export function holdSpawning(): Disposable {
  return holdLibc();
}

/**
 * Writes an empty PID file (see `markSpawning`), spawns the service, and
 * waits until it is ready, it exits, `ready_timeout` passes, or
 * `context.signal` cancels the wait (the process is then left to the caller
 * to end). A job (`type = "oneshot"`) is waited for until it exits.
 */
export async function launchService(
  service: ServiceConfig,
  context: LaunchContext,
): Promise<LaunchOutcome> {
  const spawned = await spawnService(service, context);
  const { child, logFile, logOffset, expand } = spawned;
  if (service.type === "oneshot") {
    await context.onSpawn(child, context.port);
    const cancelled = whenAborted(context.signal);
    try {
      return await Promise.race([
        jobOutcome(service, { child, logFile, logOffset }),
        cancelled.promise,
      ]);
    } finally {
      cancelled.dispose();
    }
  }
  // The wait begins at the spawn, while onSpawn records the process (its
  // identity, its PID file): `min_ready` and `ready_timeout` count from the
  // spawn, and a start of many services does not queue those writes first.
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error("timeout")),
    service.readyTimeoutMs,
  );
  const ready = waitReady(service, {
    port: context.port,
    logFile,
    logOffset,
    signal: abort.signal,
    expand,
  }).then(
    () => ({ kind: "ready" as const }),
    () => ({ kind: "timeout" as const }),
  );
  let cancelled: ReturnType<typeof whenAborted> | undefined;
  try {
    await context.onSpawn(child, context.port);
    cancelled = whenAborted(context.signal);
    const first = await Promise.race([
      child.exited.then((exit) => ({ kind: "exit" as const, exit })),
      ready,
      cancelled.promise,
    ]);
    if (first.kind === "ready") return { kind: "ready", pid: child.pid };
    if (first.kind === "cancelled") return first;
    const logTail = await tailLines(logFile, {
      lines: FAILURE_TAIL_LINES,
      from: logOffset,
    });
    if (first.kind === "exit") {
      return { kind: "exited-log", exit: first.exit, logTail };
    }
    return { kind: "timeout", logTail };
  } finally {
    clearTimeout(timer);
    cancelled?.dispose();
    abort.abort(new Error("done"));
  }
}

/** A service just spawned, with what its launch needs next. */
interface Spawned {
  child: SpawnedProcess;
  logFile: string;
  /** The size of its log before the spawn. */
  logOffset: number;
  /** Fills in `{port}` and `{services.NAME.…}`. */
  expand: (text: string) => string;
}

/** Writes an empty PID file (see `markSpawning`) and spawns the service. */
async function spawnService(
  service: ServiceConfig,
  context: LaunchContext,
): Promise<Spawned> {
  const port = context.port;
  const ports = new Map(context.peerPorts);
  if (port !== null) ports.set(service.name, port);
  const expand = (text: string) => fillReferences(text, { port, ports });
  const fileEnv = await readEnvFiles(service.envFiles, {
    service: service.name,
  });
  const logFile = service.logFile;
  // From here to the spawn, one synchronous stretch: the services of a
  // start go through it one after the other, with no turn of the event
  // loop (and no work after another service's spawn) in between.
  ensureParentDirNow(logFile, { root: context.paths.root });
  const logOffset = sizeOf(logFile);
  const pidFile = servicePidFile(context.paths, service.name);
  markSpawningNow(pidFile);
  const child = await spawnDetached({
    command: service.command,
    args: service.args.map(expand),
    cwd: service.cwd,
    env: {
      ...serviceEnv(service, {
        base: { ...context.baseEnv, ...fileEnv },
        port,
        root: context.paths.root,
        expand,
      }),
      ...portEnvironment(ports),
    },
    logFile,
  }).catch(async (error) => {
    await removeIfPresent(pidFile);
    throw error;
  });
  return { child, logFile, logOffset, expand };
}

/**
 * A job's launch: it runs to its exit, with no time limit; a success code
 * completes it.
 */
async function jobOutcome(
  service: ServiceConfig,
  launch: { child: SpawnedProcess; logFile: string; logOffset: number },
): Promise<LaunchOutcome> {
  const exit = await launch.child.exited;
  if (isSuccess(service, exit)) {
    return { kind: "completed", pid: launch.child.pid, exit };
  }
  const logTail = await tailLines(launch.logFile, {
    lines: FAILURE_TAIL_LINES,
    from: launch.logOffset,
  });
  return { kind: "exited-log", exit, logTail };
}

/** Resolves as `cancelled` when `signal` aborts (at once if it has). */
function whenAborted(
  signal: AbortSignal | undefined,
): { promise: Promise<{ kind: "cancelled" }>; dispose(): void } {
  const { promise, resolve } = Promise.withResolvers<{ kind: "cancelled" }>();
  const onAbort = () => resolve({ kind: "cancelled" });
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  return {
    promise,
    dispose: () => signal?.removeEventListener("abort", onAbort),
  };
}

/**
 * The environment of a service: base (with its env files), its `env` with
 * placeholders filled in by `expand`, then tend's tags.
 */
export function serviceEnv(
  service: ServiceConfig,
  options: {
    base: Readonly<Record<string, string>>;
    port: number | null;
    root: string;
    /** Fills in `{port}` and `{services.NAME.…}`. @default {fill of {port}} */
    expand?: (text: string) => string;
  },
): Record<string, string> {
  const env: Record<string, string> = { ...options.base };
  const expand = options.expand ??
    ((text: string) =>
      fillReferences(text, { port: options.port, ports: new Map() }));
  for (const [key, value] of Object.entries(service.env)) {
    env[key] = expand(value);
  }
  env.TEND_WORKSPACE = options.root;
  env.TEND_SERVICE = service.name;
  if (options.port !== null) env.PORT = String(options.port);
  return env;
}

/** The size of `path` now (synchronous: see spawnDetached), 0 when absent. */
function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

export { serviceLogFile };

/** The error of a launch that `start` waited for: why, and its log's tail. */
export function startFailedError(
  name: string,
  failure: { why: string; logTail: string },
): TendError {
  const tail = failure.logTail;
  const error = new TendError(
    "START_FAILED",
    `Cannot start "${name}": ${failure.why}` +
      (tail ? `; last lines of its log:\n${tail}` : ""),
    { hint: `See the whole log with "tend logs ${name}"` },
  );
  return withLogTail(error, tail);
}
