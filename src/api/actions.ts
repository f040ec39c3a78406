import { lazyImport } from "../_lazy.ts";
/**
 * The actions of tend on a workspace, shared by the CLI, the library
 * (`mod.ts`) and the MCP server: each returns what the control API answers
 * and prints nothing.
 */
import { TendError } from "../errors.ts";
import { isLockHeld } from "../fence/lock.ts";
import type { ControlClient } from "../ipc/client.ts";
import type {
  ActionResponse,
  ActionResult,
  ReloadResponse,
} from "../ipc/protocol.ts";
import {
  checkWorkspaceConfig,
  loadWorkspaceConfig,
  selectNames,
} from "../client/config.ts";
import { connect } from "../client/workspace.ts";
import { onOpenSupervisor } from "../client/open_supervisor.ts";
import { DEFAULT_TIMING, type Timing } from "../timing.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { pollUntil } from "../_async.ts";

/** How long `down` waits for the supervisor to release its lock. */
const EXIT_WAIT_MS = 15_000;

/** Services to act on: all of them when `names` is empty. */
export interface NamesOptions {
  /** Service (or instance group) names; all when empty. */
  names: readonly string[];
  /** The fixed waits of a supervisor this call launches. @default {DEFAULT_TIMING} */
  timing?: Timing;
  /**
   * Told what was done besides the action, in one line: e.g. that a
   * supervisor which held the lock but did not answer was ended.
   */
  onNote?: (note: string) => void;
}

/** Options of {@linkcode startServices} and {@linkcode restartServices}. */
export interface AbortableNamesOptions extends NamesOptions {
  /**
   * Gives up waiting for the supervisor's answer (it goes on with the
   * start): the call then rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

/**
 * Starts services, launching a background supervisor when none runs (the
 * config is validated first); waits until they are ready unless `wait` is
 * false. A service that fails is a result with action `failed` (the others
 * are still started). No results: nothing to start (no autostart service),
 * and no supervisor was launched for it.
 */
export async function startServices(
  ws: Workspace,
  options: AbortableNamesOptions & { wait?: boolean },
): Promise<ActionResponse> {
  const toStart = await whatToStart(ws, options.names);
  if (toStart === "nothing") return { results: [] };
  const { signal } = options;
  // Sent with the go of a supervisor launched for it, which begins it at once.
  const start = {
    id: crypto.randomUUID(),
    names: [...options.names],
    wait: options.wait ?? true,
  };
  // A supervisor that is shutting down refuses the start: it then runs on
  // the next one (see onOpenSupervisor).
  return await onOpenSupervisor(ws, {
    timing: options.timing ?? DEFAULT_TIMING,
    ...(typeof toStart === "object" ? { connected: toStart } : {}),
    configChecked: toStart === "checked",
    launchStart: start,
    op: (client) =>
      client.start(start.names, {
        wait: start.wait,
        launch: start.id,
        ...(signal ? { signal } : {}),
      }),
  });
}

/**
 * What a start of `names` (all autostart services when none) has to do:
 * the client of the supervisor that answers, when one does (it checks the
 * names itself);
 * otherwise the config is checked here, and left checked for the
 * supervisor about to be launched (`"checked"`), unless the names select
 * nothing to start nor any schedule to run (`"nothing"`): then none is
 * launched for nothing. An unknown name throws `UNKNOWN_SERVICE` before any
 * supervisor is launched.
 */
async function whatToStart(
  ws: Workspace,
  names: readonly string[],
): Promise<ControlClient | "checked" | "nothing"> {
  const client = await connect(ws);
  if (client !== null) return client;
  const config = await checkWorkspaceConfig(ws);
  if (names.length > 0) {
    await selectNames(config, names);
    return "checked";
  }
  // A scheduled service needs the supervisor too: it runs on its ticks.
  return config.services.some((s) => s.autostart || s.schedule != null)
    ? "checked"
    : "nothing";
}

/**
 * Stops services, through the supervisor or, when none answers, directly
 * under the workspace lock. `force` sends SIGKILL to each group at once.
 */
export async function stopServices(
  ws: Workspace,
  options: NamesOptions & { force?: boolean },
): Promise<ActionResponse> {
  const force = options.force === true;
  const client = await connect(ws) ?? await reclaim(ws, options);
  if (client !== null) {
    using _ = client;
    return await client.stop(options.names, { force });
  }
  const config = await loadWorkspaceConfig(ws);
  const names = await selectNames(config, options.names);
  const { offlineStop } = await lazyImport<
    typeof import("../workspace/offline.ts")
  >(new URL("../workspace/offline.ts", import.meta.url));
  const onRetire = options.onNote ?? (() => {});
  return {
    results: await offlineStop(ws, { config, names, force, onRetire }),
  };
}

/**
 * Stops then starts services, launching a supervisor when none runs (a
 * restart of all while nothing runs starts the autostart ones). Failures are
 * results, as with {@linkcode startServices}; no results: nothing to start.
 */
export async function restartServices(
  ws: Workspace,
  options: AbortableNamesOptions,
): Promise<ActionResponse> {
  const toStart = await whatToStart(ws, options.names);
  if (toStart === "nothing") return { results: [] };
  const { signal } = options;
  return await onOpenSupervisor(ws, {
    timing: options.timing ?? DEFAULT_TIMING,
    ...(typeof toStart === "object" ? { connected: toStart } : {}),
    configChecked: toStart === "checked",
    op: (client) => client.restart(options.names, signal ? { signal } : {}),
  });
}

/**
 * Re-reads the config (refused when invalid) and applies the difference:
 * which services are new, gone, changed, and what was done to each acted on
 * (`results`, failures included).
 */
export async function reloadWorkspace(ws: Workspace): Promise<ReloadResponse> {
  await checkWorkspaceConfig(ws);
  const client = await connect(ws);
  if (client === null) {
    throw new TendError(
      "NOT_RUNNING",
      `Cannot reload "${ws.root}": no supervisor is running`,
      { hint: 'Run "tend start" or "tend up -d"' },
    );
  }
  using _ = client;
  return await client.reload();
}

/** A supervisor launched to take over from a lost one (src/client/reclaim.ts). */
async function reclaim(
  ws: Workspace,
  options: Pick<NamesOptions, "onNote" | "timing">,
): Promise<ControlClient | null> {
  const { reclaimLostSupervisor } = await lazyImport<
    typeof import("../client/reclaim.ts")
  >(new URL("../client/reclaim.ts", import.meta.url));
  return await reclaimLostSupervisor(ws, options);
}

/** What {@linkcode downWorkspace} did. */
export interface DownResult extends ActionResponse {
  /** Whether a supervisor ran and has now exited. */
  supervisorStopped: boolean;
}

/**
 * Stops every service and then the supervisor, returning once it has
 * released the workspace lock; without a supervisor, stops the services
 * directly.
 */
export async function downWorkspace(
  ws: Workspace,
  options: Pick<NamesOptions, "onNote"> = {},
): Promise<DownResult> {
  const client = await connect(ws) ?? await reclaim(ws, options);
  if (client === null) {
    const config = await loadWorkspaceConfig(ws);
    const names = config.services.map((s) => s.name);
    const { offlineStop } = await lazyImport<
      typeof import("../workspace/offline.ts")
    >(new URL("../workspace/offline.ts", import.meta.url));
    const onRetire = options.onNote ?? (() => {});
    const results = await offlineStop(ws, { config, names, onRetire });
    return { results, supervisorStopped: false };
  }
  using _ = client;
  // `closing`: from this stop on, the supervisor accepts no start.
  const stopped = await client.stop([], { closing: true });
  await client.shutdown({ stopServices: true });
  await waitUnlocked(ws.paths.lockFile);
  // Loaded here: it reads state.json (zod), which start and stop never need.
  const { stopLeftovers } = await lazyImport<
    typeof import("../client/down_leftovers.ts")
  >(new URL("../client/down_leftovers.ts", import.meta.url));
  const leftovers = await stopLeftovers(ws);
  await confirmNothingRuns(ws, leftovers);
  return { ...withLeftovers(stopped, leftovers), supervisorStopped: true };
}

/** The stop's results, with the leftovers stopped afterwards in place. */
function withLeftovers(
  stopped: ActionResponse,
  leftovers: readonly ActionResult[],
): ActionResponse {
  const late = new Map(
    leftovers.filter((r) => r.action === "stopped").map((r) => [r.name, r]),
  );
  return {
    results: stopped.results.map((result) => late.get(result.name) ?? result),
  };
}

/** `down` succeeds only when nothing of the workspace runs. */
async function confirmNothingRuns(
  ws: Workspace,
  leftovers: readonly ActionResult[],
): Promise<void> {
  if (leftovers.length === 0) return;
  const { liveServices } = await lazyImport<
    typeof import("../client/down_leftovers.ts")
  >(new URL("../client/down_leftovers.ts", import.meta.url));
  const live = await liveServices(ws);
  if (live.length === 0) return;
  throw new TendError(
    "STOP_FAILED",
    `Cannot stop every service of "${ws.root}": ${
      live.map((name) => `"${name}"`).join(", ")
    } still running`,
    { hint: 'Run "tend down" again, or see "tend status"' },
  );
}

/** Waits until the supervisor has released `lockFile` (it has exited). */
export async function waitUnlocked(lockFile: string): Promise<void> {
  const unlocked = await pollUntil(async () => !await isLockHeld(lockFile), {
    timeoutMs: EXIT_WAIT_MS,
    intervalMs: 20,
  });
  if (!unlocked) {
    throw new TendError(
      "STOP_FAILED",
      `Cannot confirm that the supervisor exited: it still holds "${lockFile}"`,
    );
  }
}
