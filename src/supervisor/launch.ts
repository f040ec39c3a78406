import { serviceLogFile, type WorkspacePaths } from "../config/paths.ts";
import type { ServiceConfig } from "../config/schema.ts";
import {
  type ExitStatus,
  spawnDetached,
  type SpawnedProcess,
} from "../proc/spawn.ts";
import { TendError } from "../errors.ts";
import { fill, waitReady } from "./ready.ts";
import { tailLines } from "../logs/tail.ts";

/** Lines of a service's log quoted when it fails to start. */
const FAILURE_TAIL_LINES = 20;

/** What {@linkcode launchService} needs besides the service's config. */
export interface LaunchContext {
  paths: WorkspacePaths;
  baseEnv: Readonly<Record<string, string>>;
  /** The port granted to this launch, if the service has one. */
  port: number | null;
  /** Called once the process exists, before readiness is awaited. */
  onSpawn(child: SpawnedProcess, port: number | null): Promise<void>;
}

/** How a launch ended. */
export type LaunchOutcome =
  | { kind: "ready"; pid: number }
  | { kind: "exited-log"; exit: ExitStatus; logTail: string }
  | { kind: "timeout"; logTail: string };

/**
 * Grants a port, spawns the service, and waits until it is ready, it exits,
 * or `ready_timeout` passes.
 */
export async function launchService(
  service: ServiceConfig,
  context: LaunchContext,
): Promise<LaunchOutcome> {
  const port = context.port;
  const logFile = service.logFile;
  const logOffset = sizeOf(logFile);
  const child = await spawnDetached({
    command: service.command,
    args: service.args.map((arg) => fill(arg, port)),
    cwd: service.cwd,
    env: serviceEnv(service, {
      base: context.baseEnv,
      port,
      root: context.paths.root,
    }),
    logFile,
  });
  await context.onSpawn(child, port);
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error("timeout")),
    service.readyTimeoutMs,
  );
  try {
    const first = await Promise.race([
      child.exited.then((exit) => ({ kind: "exit" as const, exit })),
      waitReady(service, { port, logFile, logOffset, signal: abort.signal })
        .then(
          () => ({ kind: "ready" as const }),
          () => ({ kind: "timeout" as const }),
        ),
    ]);
    if (first.kind === "ready") return { kind: "ready", pid: child.pid };
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
    abort.abort(new Error("done"));
  }
}

/** The environment of a service: base, its `env`, then tend's tags. */
export function serviceEnv(
  service: ServiceConfig,
  options: {
    base: Readonly<Record<string, string>>;
    port: number | null;
    root: string;
  },
): Record<string, string> {
  const env: Record<string, string> = { ...options.base };
  for (const [key, value] of Object.entries(service.env)) {
    env[key] = fill(value, options.port);
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
  return new TendError(
    "START_FAILED",
    `Cannot start "${name}": ${failure.why}` +
      (tail ? `; last lines of its log:\n${tail}` : ""),
    { hint: `See the whole log with "tend logs ${name}"` },
  );
}
