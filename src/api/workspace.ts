import type {
  ActionResponse,
  ReloadResponse,
  StatusResponse,
} from "../ipc/wire_types.ts";
import { workspaceAt } from "../client/workspace.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { type LogSource, streamLogs } from "../logs/stream.ts";
import { asTendError, wrapped } from "./_wrap.ts";
import {
  downWorkspace,
  reloadWorkspace,
  restartServices,
  startServices,
  stopServices,
} from "./actions.ts";
import { logSources } from "./logs.ts";
import { currentStatus, selectServices } from "./status.ts";

/**
 * Options of {@linkcode openWorkspace}.
 *
 * @example
 * ```ts ignore
 * const ws = await openWorkspace("/srv/app", { config: "daemon.toml" });
 * ```
 */
export interface OpenWorkspaceOptions {
  /** The config file, relative to the workspace directory. @default {"tend.toml (or daemon.toml) in the directory"} */
  config?: string;
}

/**
 * Options of {@linkcode TendWorkspace.start}.
 *
 * @example
 * ```ts ignore
 * await ws.start(["web"], { wait: false });
 * ```
 */
export interface StartOptions {
  /** Return once every service is ready; `false` returns once the supervisor took the request. @default {true} */
  wait?: boolean;
  /** Receives each line the starting services write to their logs while `start` runs. @default {undefined} */
  onOutput?: (line: string, service: string) => void;
}

/**
 * Options of {@linkcode TendWorkspace.logs}.
 *
 * @example
 * ```ts ignore
 * const lines = ws.logs("web", { lines: 10 });
 * ```
 */
export interface LogsOptions {
  /** Keep yielding new lines, across rotations, until `signal` aborts. @default {false} */
  follow?: boolean;
  /** Ends a followed stream (after yielding the lines written before the abort). @default {undefined} */
  signal?: AbortSignal;
  /** Lines of backlog first. @default {50} */
  lines?: number;
}

/**
 * What {@linkcode TendWorkspace.down} did.
 *
 * @example
 * ```ts ignore
 * const { results, supervisorStopped } = await ws.down();
 * ```
 */
export interface DownResponse extends ActionResponse {
  /** Whether a supervisor ran and has exited. */
  supervisorStopped: boolean;
}

/** Lines of backlog `logs` yields by default, as `tend logs`. */
const DEFAULT_LOG_LINES = 50;

/**
 * A workspace: what `tend` does from the command line, as calls. Every
 * method throws only {@linkcode TendError} (its `code` is what `--json`
 * reports). Names select services (a group name, its instances); none
 * selects all. Needs `--allow-all` (Deno grants /proc reads only with it).
 *
 * @example
 * ```ts ignore
 * const ws = await openWorkspace("/srv/app");
 * await ws.start(["web"]);
 * console.log(await ws.isRunning("web")); // true
 * await ws.down();
 * ```
 */
export class TendWorkspace {
  readonly #ws: Workspace;

  /** Use {@linkcode openWorkspace}. */
  constructor(ws: Workspace) {
    this.#ws = ws;
  }

  /** The workspace directory (absolute, symlinks resolved). */
  get root(): string {
    return this.#ws.root;
  }

  /** The config file (absolute). */
  get configFile(): string {
    return this.#ws.configFile;
  }

  /**
   * Starts services (all autostart ones when none named) and their
   * dependencies, launching a background supervisor when none runs, as
   * `tend start` does; a running service is reported `already-running`, one
   * that failed to start is a result with action `failed` and its `error`
   * (the others still start).
   *
   * @example
   * ```ts ignore
   * const { results } = await ws.start(["web"], {
   *   onOutput: (line, service) => console.log(`${service} | ${line}`),
   * });
   * ```
   */
  start(
    names: readonly string[] = [],
    options: StartOptions = {},
  ): Promise<ActionResponse> {
    return wrapped("start", async () => {
      const wait = options.wait ?? true;
      const onOutput = options.onOutput;
      if (onOutput === undefined) {
        return await startServices(this.#ws, { names, wait });
      }
      const sources = await logSources(this.#ws, names);
      const stop = new AbortController();
      const relay = await relayLogs(sources, {
        onOutput,
        signal: stop.signal,
      });
      let started: ActionResponse;
      try {
        started = await startServices(this.#ws, { names, wait });
      } finally {
        stop.abort();
        await relay.ended;
      }
      const failure = await relay.ended;
      if (failure !== null) throw failure;
      return started;
    });
  }

  /**
   * Stops services (all when none named) as `tend stop` does: each
   * service's stop signal to its whole process group, SIGKILL after its
   * `stop_timeout`; works without a supervisor too.
   *
   * @example
   * ```ts ignore
   * await ws.stop(["web"]);
   * ```
   */
  stop(names: readonly string[] = []): Promise<ActionResponse> {
    return wrapped("stop", () => stopServices(this.#ws, { names }));
  }

  /**
   * Stops then starts services (all running ones when none named), as
   * `tend restart` does.
   *
   * @example
   * ```ts ignore
   * const { results } = await ws.restart(["web"]);
   * ```
   */
  restart(names: readonly string[] = []): Promise<ActionResponse> {
    return wrapped("restart", () => restartServices(this.#ws, { names }));
  }

  /**
   * SIGKILLs each named service's process group at once (all when none
   * named), with no grace period, and records them as stopped (no restart).
   *
   * @example
   * ```ts ignore
   * await ws.kill(["stuck"]);
   * ```
   */
  kill(names: readonly string[] = []): Promise<ActionResponse> {
    return wrapped(
      "kill",
      () => stopServices(this.#ws, { names, force: true }),
    );
  }

  /**
   * The `tend status --json` document, for the named services (all when
   * none named); an unknown name is `UNKNOWN_SERVICE`.
   *
   * @example
   * ```ts ignore
   * const { services } = await ws.status();
   * ```
   */
  status(names: readonly string[] = []): Promise<StatusResponse> {
    return wrapped(
      "status",
      async () => selectServices(await currentStatus(this.#ws), names),
    );
  }

  /**
   * Whether the service runs (for a group name: every instance runs).
   *
   * @example
   * ```ts ignore
   * if (!await ws.isRunning("web")) await ws.start(["web"]);
   * ```
   */
  isRunning(name: string): Promise<boolean> {
    return wrapped("status", async () => {
      const shown = selectServices(await currentStatus(this.#ws), [name]);
      return shown.services.every((s) => s.status === "running");
    });
  }

  /**
   * The lines of a service's log: the last `lines` (default 50), then, with
   * `follow`, new ones as they are written until `signal` aborts. For a
   * group name, each line is prefixed `NAME | `, as `tend logs` does.
   *
   * @example
   * ```ts ignore
   * const signal = AbortSignal.timeout(5_000);
   * for await (const line of ws.logs("web", { follow: true, signal })) {
   *   console.log(line);
   * }
   * ```
   */
  async *logs(name: string, options: LogsOptions = {}): AsyncGenerator<string> {
    try {
      const sources = await logSources(this.#ws, [name]);
      const stream = streamLogs(sources, {
        lines: options.lines ?? DEFAULT_LOG_LINES,
        follow: options.follow ?? false,
        signal: options.signal,
      });
      for await (const { service, lines } of stream) {
        for (const line of lines) {
          yield sources.length > 1 ? `${service} | ${line}` : line;
        }
      }
    } catch (error) {
      throw asTendError(error, "logs");
    }
  }

  /**
   * Re-reads the config and applies the difference, as `tend reload` does;
   * an invalid file changes nothing (`CONFIG_INVALID`), no supervisor is
   * `NOT_RUNNING`.
   *
   * @example
   * ```ts ignore
   * const { added, removed, changed } = await ws.reload();
   * ```
   */
  reload(): Promise<ReloadResponse> {
    return wrapped("reload", () => reloadWorkspace(this.#ws));
  }

  /**
   * Stops every service and the supervisor, as `tend down` does; returns
   * once the supervisor has exited.
   *
   * @example
   * ```ts ignore
   * await ws.down();
   * ```
   */
  down(): Promise<DownResponse> {
    return wrapped("down", () => downWorkspace(this.#ws));
  }
}

/**
 * Calls `onOutput` with each line written to the sources' logs from now
 * until `signal` aborts. Resolves once the end of every log is noted (so no
 * line written after it is missed), to the relay's end: what failed, or
 * `null` (it never rejects, so a failure waits for the caller without being
 * an unhandled rejection).
 */
async function relayLogs(
  sources: LogSource[],
  options: {
    onOutput: (line: string, service: string) => void;
    signal: AbortSignal;
  },
): Promise<{ ended: Promise<unknown> }> {
  const stream = streamLogs(sources, {
    lines: 0,
    follow: true,
    signal: options.signal,
  });
  // The first batch of each source is its (empty) backlog: reading it notes
  // where the log ends.
  for (let i = 0; i < sources.length; i++) await stream.next();
  const relay = async () => {
    for await (const { service, lines } of stream) {
      for (const line of lines) options.onOutput(line, service);
    }
  };
  return { ended: relay().then(() => null, (error: unknown) => error) };
}

/**
 * Opens the workspace in `dir` (the directory holding its tend.toml, as
 * `tend -C DIR`); a missing or unreadable config is a `CONFIG_INVALID`
 * {@linkcode TendError}. Reads the directory only: nothing starts.
 *
 * @example
 * ```ts ignore
 * const ws = await openWorkspace("/srv/app", { config: "tend.toml" });
 * ```
 */
export function openWorkspace(
  dir: string,
  options: OpenWorkspaceOptions = {},
): Promise<TendWorkspace> {
  return wrapped("open", async () => {
    const ws = await workspaceAt({
      cwd: dir,
      workspace: dir,
      config: options.config,
    });
    return new TendWorkspace(ws);
  });
}
