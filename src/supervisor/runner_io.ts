import type { WorkspacePaths } from "../config/paths.ts";
import type { ServiceConfig } from "../config/schema.ts";
import { removeIfPresent, removeIfPresentNow } from "../fence/safe_file.ts";
import { replacePidFile } from "../fence/pid_file.ts";
import {
  type Identity,
  identityMatches,
  identityMatchesNow,
  readIdentity,
} from "../proc/identity.ts";
import { endGroup, type EndGroupOptions } from "../workspace/end_group.ts";
import {
  type LaunchContext,
  type LaunchOutcome,
  launchService,
} from "./launch.ts";
import type { ServiceEvent } from "./hooks.ts";
import type { Log } from "./log.ts";
import type { PortLedger } from "./port_ledger.ts";
import type { Ticker } from "./ticker.ts";
import type { InvalidTransition } from "./transition.ts";

/**
 * Everything a runner does to the world besides its log: production passes
 * {@linkcode realRunnerIo}, unit tests pass a fake clock, timers and
 * processes.
 */
export interface RunnerIo {
  /** Now, in ms since the epoch. */
  now(): number;
  /** Calls `callback` once after `ms`; returns the cancel function. */
  setTimer(ms: number, callback: () => void): () => void;
  /** Spawns a service and waits for its readiness (see launch.ts). */
  launch(
    service: ServiceConfig,
    context: LaunchContext,
  ): Promise<LaunchOutcome>;
  /** Ends the process group led by `identity` (see end_group.ts). */
  endGroup(
    identity: Identity,
    options: EndGroupOptions,
  ): Promise<{ escalated: boolean }>;
  /** The identity of a live PID, or `null`. */
  readIdentity(pid: number, bootId: string): Promise<Identity | null>;
  /** Whether `identity` is still a live process. */
  identityMatches(identity: Identity): Promise<boolean>;
  /** The same, cheaply, for periodic checks. */
  identityMatchesNow(
    identity: Identity,
    bootId: string,
  ): boolean | Promise<boolean>;
  /** Writes a service's PID file. */
  writePidFile(path: string, pid: number): Promise<void>;
  /**
   * Removes a service's PID file, if present; with `now`, before returning
   * (a relaunch due at once follows: it must not wait for a trip through
   * the thread pool, nor lose its new PID file to the old one's removal).
   */
  removePidFile(path: string, options?: { now?: boolean }): Promise<unknown>;
}

/** The real clock, timers, processes and files. */
export const realRunnerIo: RunnerIo = {
  now: () => Date.now(),
  setTimer(ms, callback) {
    if (ms <= 0) return soon(callback);
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
  launch: launchService,
  endGroup,
  readIdentity,
  identityMatches,
  identityMatchesNow,
  writePidFile: replacePidFile,
  removePidFile(path, options = {}) {
    if (options.now !== true) return removeIfPresent(path);
    try {
      return Promise.resolve(removeIfPresentNow(path));
    } catch (error) {
      return Promise.reject(error);
    }
  },
};

/**
 * Calls `callback` once the current task's promise jobs have run, unless
 * cancelled first: a restart due at once (`restart_delay = 0`) goes straight
 * from the exit to the spawn, where `setTimeout(0)` waited for a turn of the
 * event loop's timers (about 1 ms, more on a loaded machine).
 */
function soon(callback: () => void): () => void {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) callback();
  });
  return () => cancelled = true;
}

/** What a runner needs from its supervisor. */
export interface RunnerContext {
  readonly paths: WorkspacePaths;
  readonly bootId: string;
  readonly log: Log;
  /** The environment every service starts from. */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** The ports granted to every service of the workspace. */
  readonly ports: PortLedger;
  /** Called after every change worth persisting. */
  changed(): void;
  /**
   * The ports of the workspace's services as `service` should see them at
   * its launch (`{services.NAME.port}`, `TEND_<NAME>_PORT`). @default {none}
   */
  peerPorts?(service: ServiceConfig): ReadonlyMap<string, number>;
  /** Called when a launch became ready, with its port. */
  onReady?(name: string, port: number | null): void;
  /** The timers shared by every runner (the periodic checks of adopted services). */
  readonly ticker: Pick<Ticker, "every">;
  /** The clock, timers, processes and files. */
  readonly io: RunnerIo;
  /**
   * Called when an event does not apply in the current state (the event is
   * then ignored): a bug. Tests throw; the supervisor logs it.
   */
  onInvalidTransition(invalid: InvalidTransition): void;
  /** Hears what happens to a service (ready, exit, failed, restart), for its hooks. */
  onServiceEvent?(service: ServiceConfig, event: ServiceEvent): void;
}

/** The production `onInvalidTransition`: logs the bug with service, state and event. */
export function logInvalidTransition(
  log: Log,
): (invalid: InvalidTransition) => void {
  return (invalid) =>
    log.error(
      "bug: {service} got event {event} in state {state}; ignored it",
      { ...invalid },
    );
}
