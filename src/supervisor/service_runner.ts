import type { ServiceConfig } from "../config/schema.ts";
import { servicePidFile, type WorkspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import { removeIfPresent } from "../fence/safe_file.ts";
import { replacePidFile } from "../fence/pid_file.ts";
import type { LastExit, ServiceView } from "../ipc/protocol.ts";
import {
  type Identity,
  identityMatches,
  identityMatchesNow,
  readIdentity,
} from "../proc/identity.ts";
import type { ExitStatus, SpawnedProcess } from "../proc/spawn.ts";
import type { Log } from "./log.ts";
import type { PortLedger } from "./port_ledger.ts";
import type { Ticker } from "./ticker.ts";
import {
  hasProcess,
  type RunnerSnapshot,
  serviceRecord,
  serviceView,
} from "./runner_views.ts";
import { SerialQueue } from "./serial_queue.ts";
import { decideAfterExit, describeExit } from "./policy.ts";
import type { ServiceRecord } from "./state_file.ts";
import { type RunEvent, type RunState, transition } from "./transition.ts";
import { type LaunchOutcome, launchService } from "./launch.ts";
import { endGroup, stopSignalOf } from "./end_group.ts";

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
  /** The timers shared by every runner. */
  readonly ticker: Ticker;
}

/**
 * One service under supervision: its state, its process, and the operations
 * on it. Operations run one at a time (a queue), so concurrent requests for
 * the same service never race; exits arrive as events.
 */
export class ServiceRunner {
  config: ServiceConfig;
  #ctx: RunnerContext;
  #state: RunState = "stopped";
  #desired: "running" | "stopped" = "stopped";
  #identity: Identity | null = null;
  #port: number | null = null;
  #startedAt: number | null = null;
  #restarts = 0;
  #restartTimes: number[] = [];
  #streak = 0;
  #lastExit: LastExit | null = null;
  #reason: string | null = null;
  #nextRestartAt: number | null = null;
  #child: SpawnedProcess | null = null;
  #generation = 0;
  #launching = -1;
  #pendingExit: { generation: number; exit: ExitStatus } | null = null;
  #queue = new SerialQueue();
  #backoffTimer: ReturnType<typeof setTimeout> | undefined;
  #unwatch: (() => void) | undefined;

  constructor(config: ServiceConfig, ctx: RunnerContext) {
    this.config = config;
    this.#ctx = ctx;
  }

  /** The service's name. */
  get name(): string {
    return this.config.name;
  }

  /** The current state. */
  get state(): RunState {
    return this.#state;
  }

  /** The PID (and process group) of the live process, if any. */
  get trackedPid(): number | null {
    if (!hasProcess(this.#state)) return null;
    return this.#child?.pid ?? this.#identity?.pid ?? null;
  }

  /** Runs `op` after every earlier operation on this service. */
  serialize<T>(op: () => Promise<T>): Promise<T> {
    return this.#queue.run(op);
  }

  /** Starts the service unless it is running; waits until it is ready. */
  start(): Promise<"started" | "already-running"> {
    return this.serialize(async () => {
      if (this.#state === "running" || this.#state === "starting") {
        return "already-running";
      }
      this.#desired = "running";
      this.#clearBackoff();
      if (this.#state === "failed" || this.#state === "stopped") {
        this.#restartTimes = [];
        this.#streak = 0;
      }
      await this.#launch({ userInitiated: true });
      return "started";
    });
  }

  /**
   * Stops the service and everything in its process group: its stop signal,
   * or SIGKILL at once with `force`.
   */
  stop(
    options: { force?: boolean } = {},
  ): Promise<"stopped" | "already-stopped"> {
    return this.serialize(async () => {
      this.#desired = "stopped";
      this.#clearBackoff();
      if (this.#state !== "running" && this.#state !== "starting") {
        const was = this.#state;
        this.#apply("stop");
        this.#ctx.changed();
        return was === "backoff" ? "stopped" : "already-stopped";
      }
      await this.#stopProcess({ force: options.force === true });
      return "stopped";
    });
  }

  /**
   * Restarts a service that died while no supervisor watched it, as its
   * restart policy would have: counted as a restart, and a failed launch
   * goes to backoff rather than to the caller.
   */
  revive(): Promise<void> {
    return this.serialize(async () => {
      if (this.#state !== "stopped") return;
      this.#restarts++;
      this.#restartTimes = [...this.#restartTimes, Date.now()].slice(-100);
      this.#ctx.log.info(
        "{service} died while no supervisor ran; restarting it",
        {
          service: this.name,
        },
      );
      await this.#launch({ userInitiated: false });
    });
  }

  /**
   * Takes over a process started by an earlier supervisor, after checking
   * its identity; returns `false` when the record no longer matches a live
   * process.
   */
  async adopt(record: ServiceRecord): Promise<boolean> {
    this.#restarts = record.restarts;
    this.#lastExit = record.lastExit;
    this.#desired = record.desired;
    const identity = record.identity;
    if (identity === null || !await identityMatches(identity)) return false;
    this.#generation++;
    this.#identity = identity;
    this.#port = record.port;
    this.#ctx.ports.hold(this.name, record.port);
    this.#startedAt = record.startedAt
      ? Date.parse(record.startedAt)
      : Date.now();
    this.#state = "running";
    this.#reason = null;
    this.#watch(this.#generation);
    await replacePidFile(
      servicePidFile(this.#ctx.paths, this.name),
      identity.pid,
    )
      .catch((error) =>
        this.#ctx.log.warn(
          "cannot rewrite the pid file of {service}: {error}",
          {
            service: this.name,
            error: error instanceof Error ? error.message : String(error),
          },
        )
      );
    this.#ctx.log.info("adopted {service} pid {pid}", {
      service: this.name,
      pid: identity.pid,
    });
    return true;
  }

  /** Whether the user last asked for this service to run. */
  get desired(): "running" | "stopped" {
    return this.#desired;
  }

  /** The service as `status` shows it. */
  view(): ServiceView {
    return serviceView(this.#snapshot(), Date.now());
  }

  /** What state.json keeps of this service. */
  record(): ServiceRecord {
    return serviceRecord(this.#snapshot());
  }

  #snapshot(): RunnerSnapshot {
    return {
      name: this.name,
      state: this.#state,
      desired: this.#desired,
      identity: this.#identity,
      port: this.#port,
      startedAt: this.#startedAt,
      restarts: this.#restarts,
      lastExit: this.#lastExit,
      nextRestartAt: this.#nextRestartAt,
      reason: this.#reason,
      fingerprint: this.config.fingerprint,
    };
  }

  /** Stops timers and lets the process exit while services run on. */
  detach(): void {
    this.#clearBackoff();
    this.#stopWatching();
    this.#child?.unref();
  }

  async #launch(options: { userInitiated: boolean }): Promise<void> {
    this.#apply("start");
    this.#reason = null;
    this.#ctx.changed();
    const generation = ++this.#generation;
    this.#launching = generation;
    try {
      const launched = await launchService(this.config, {
        paths: this.#ctx.paths,
        baseEnv: this.#ctx.baseEnv,
        port: await this.#ctx.ports.grant(this.config),
        onSpawn: (child, port) => this.#spawned(generation, child, port),
      });
      if (launched.kind === "ready") {
        this.#apply("ready");
        this.#ctx.log.info("{service} is ready (pid {pid})", {
          service: this.name,
          pid: launched.pid,
        });
        this.#ctx.changed();
        return;
      }
      await this.#launchFailed(generation, launched, options);
    } catch (error) {
      if (this.#state === "starting") {
        if (this.#child !== null) await this.#endGroup();
        else this.#ctx.ports.release(this.name);
        this.#state = "failed";
        this.#reason = error instanceof Error ? error.message : String(error);
        this.#ctx.changed();
      }
      throw error;
    } finally {
      if (this.#launching === generation) this.#launching = -1;
      const pending = this.#pendingExit;
      this.#pendingExit = null;
      if (pending?.generation === generation) {
        this.#onExit(generation, pending.exit);
      }
    }
  }

  async #spawned(
    generation: number,
    child: SpawnedProcess,
    port: number | null,
  ): Promise<void> {
    this.#child = child;
    this.#port = port;
    this.#startedAt = Date.now();
    this.#identity = await readIdentity(child.pid, this.#ctx.bootId) ??
      { pid: child.pid, startTicks: 0, bootId: this.#ctx.bootId };
    await replacePidFile(servicePidFile(this.#ctx.paths, this.name), child.pid);
    this.#ctx.log.info("spawned {service} pid {pid}", {
      service: this.name,
      pid: child.pid,
      port,
    });
    this.#ctx.changed();
    child.exited.then((exit) => this.#exited(generation, exit));
  }

  async #launchFailed(
    generation: number,
    failure: Exclude<LaunchOutcome, { kind: "ready" }>,
    options: { userInitiated: boolean },
  ): Promise<void> {
    const timedOut = failure.kind === "timeout";
    const why = timedOut
      ? `not ready after ${this.config.readyTimeoutMs / 1000} s`
      : describeExit(failure.exit);
    if (timedOut) await this.#endGroup();
    const exit = timedOut ? { code: null, signal: null } : failure.exit;
    this.#settleExit(generation, exit);
    this.#ctx.log.warn("{service} failed to start: {why}", {
      service: this.name,
      why,
    });
    if (!options.userInitiated) return this.#decide(exit);
    this.#state = "failed";
    this.#reason = why;
    this.#ctx.changed();
    const tail = failure.logTail;
    throw new TendError(
      "START_FAILED",
      `Cannot start "${this.name}": ${why}` +
        (tail ? `; last lines of its log:\n${tail}` : ""),
      { hint: `See the whole log with "tend logs ${this.name}"` },
    );
  }

  /** The exit event of a child; during its launch, the launch handles it. */
  #exited(generation: number, exit: ExitStatus): void {
    if (generation !== this.#generation) return;
    if (this.#launching === generation) {
      this.#pendingExit = { generation, exit };
      return;
    }
    this.#onExit(generation, exit);
  }

  #onExit(generation: number, exit: ExitStatus): void {
    if (!this.#settleExit(generation, exit)) return;
    this.#ctx.log.info("{service} pid {pid} {how}", {
      service: this.name,
      pid: this.#identity?.pid,
      how: describeExit(exit),
    });
    if (this.#state === "stopping") return;
    void this.serialize(async () => {
      await this.#endGroup().catch((error) =>
        this.#logError("cannot end what is left of {service}: {error}", error)
      );
      this.#decide(exit);
    }).catch((error) =>
      this.#logError("{service} after its exit: {error}", error)
    );
  }

  #logError(message: string, error: unknown): void {
    this.#ctx.log.error(message, {
      service: this.name,
      error: error instanceof Error ? error.message : String(error),
    });
  }

  /** Records an exit once per generation; `false` when already recorded. */
  #settleExit(generation: number, exit: ExitStatus): boolean {
    if (this.#settled === generation) return false;
    this.#settled = generation;
    this.#stopWatching();
    this.#child = null;
    this.#ctx.ports.release(this.name);
    this.#lastExit = { ...exit, at: new Date().toISOString() };
    removeIfPresent(servicePidFile(this.#ctx.paths, this.name)).catch((error) =>
      this.#logError("cannot remove the pid file of {service}: {error}", error)
    );
    this.#ctx.changed();
    return true;
  }
  #settled = -1;

  #decide(exit: ExitStatus): void {
    if (this.#state === "stopping" || this.#desired === "stopped") return;
    const now = Date.now();
    const decision = decideAfterExit(this.config, {
      exit,
      uptimeMs: now - (this.#startedAt ?? now),
      now,
      restartTimes: this.#restartTimes,
      streak: this.#streak,
    });
    const event: RunEvent = decision.kind === "restart"
      ? "crash"
      : decision.kind === "fail"
      ? "fail"
      : "exit";
    this.#apply(event);
    this.#reason = decision.kind === "restart" ? null : decision.reason;
    if (decision.kind === "restart") {
      this.#streak = decision.streak;
      this.#scheduleRestart(decision.delayMs);
    } else if (decision.kind === "fail") {
      this.#ctx.log.warn("{service} failed: {reason}", {
        service: this.name,
        reason: decision.reason,
      });
    }
    this.#ctx.changed();
  }

  #scheduleRestart(delayMs: number): void {
    this.#nextRestartAt = Date.now() + delayMs;
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      void this.serialize(async () => {
        if (this.#state !== "backoff") return;
        this.#nextRestartAt = null;
        this.#restarts++;
        this.#restartTimes = [...this.#restartTimes, Date.now()].slice(-100);
        this.#ctx.log.info("restarting {service} (restart {n})", {
          service: this.name,
          n: this.#restarts,
        });
        await this.#launch({ userInitiated: false }).catch((error) =>
          this.#logError("{service} could not restart: {error}", error)
        );
      }).catch((error) =>
        this.#logError("restart of {service}: {error}", error)
      );
    }, delayMs);
  }

  #clearBackoff(): void {
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    this.#nextRestartAt = null;
  }

  async #stopProcess(options: { force: boolean }): Promise<void> {
    this.#apply("stop");
    this.#ctx.changed();
    const pid = this.#identity?.pid;
    this.#ctx.log.info("stopping {service} pid {pid}", {
      service: this.name,
      pid,
    });
    const outcome = await this.#endGroup(options);
    if (outcome.escalated) {
      this.#ctx.log.warn("{service} ignored {signal}; sent SIGKILL", {
        service: this.name,
        signal: this.config.stopSignal,
      });
    }
    const child = this.#child;
    if (child) this.#settleExit(this.#generation, await child.exited);
    else this.#settleExit(this.#generation, { code: null, signal: null });
    this.#apply("stopped");
    this.#reason = null;
    this.#ctx.changed();
  }

  /** Ends whatever is left of the current process group (SIGKILL with `force`). */
  #endGroup(
    options: { force?: boolean } = {},
  ): Promise<{ escalated: boolean }> {
    const identity = this.#identity;
    if (identity === null) return Promise.resolve({ escalated: false });
    return endGroup(identity, {
      root: this.#ctx.paths.root,
      ...stopSignalOf(this.config, options),
    });
  }

  #watch(generation: number): void {
    const identity = this.#identity;
    if (identity === null) return;
    this.#stopWatching();
    this.#unwatch = this.#ctx.ticker.every(
      this.config.checkIntervalMs,
      async () => {
        if (generation !== this.#generation) return;
        const alive = await Promise.resolve(
          identityMatchesNow(identity, this.#ctx.bootId),
        ).catch(() => true); // Unsure: look again at the next tick.
        if (alive || generation !== this.#generation) return;
        this.#onExit(generation, { code: null, signal: null });
      },
    );
  }

  #stopWatching(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  #apply(event: RunEvent): void {
    const next = transition(this.#state, event);
    if (next !== null) this.#state = next;
  }
}
