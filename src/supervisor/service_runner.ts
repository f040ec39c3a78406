import type { ServiceConfig } from "../config/schema.ts";
import type { LastExit, ServiceStatus } from "../ipc/protocol.ts";
import type { ExitStatus, SpawnedProcess } from "../proc/spawn.ts";
import {
  hasProcess,
  type RunnerSnapshot,
  serviceRecord,
  serviceView,
} from "./runner_views.ts";
import { SerialQueue } from "./serial_queue.ts";
import { decisionEvent, describeExit, type ExitDecision } from "./policy.ts";
import type { ServiceRecord } from "../workspace/state_file.ts";
import { type RunEvent, type RunState, transition } from "./transition.ts";
import { type LaunchOutcome, startFailedError } from "./launch.ts";
import { LaunchRecords } from "./launch_record.ts";
import { RestartTracker } from "./restart_tracker.ts";
import type { RunnerContext, RunnerIo } from "./runner_io.ts";
import type { ServiceEvent } from "./hooks.ts";
import { TrackedProcess } from "./tracked_process.ts";
import {
  PendingStarts,
  startCancelledError,
  type StartTicket,
} from "./pending_starts.ts";
import { messageOf } from "../errors.ts";
import { describeReady } from "../config/ready_words.ts";

export type { RunnerContext } from "./runner_io.ts";

/** The exit of a process whose status is unknown (adopted, timed out). */
const UNKNOWN_EXIT: ExitStatus = { code: null, signal: null };

/** How a launch is made: by the user (waited for) or by policy, and its cancel. */
interface LaunchOptions {
  userInitiated: boolean;
  /** Aborted when a stop cancels the start. */
  signal: AbortSignal;
}

/**
 * One service under supervision: its state, its process, and the operations
 * on it. Operations run one at a time (a queue), so concurrent requests for
 * the same service never race; exits arrive as events. Every state change
 * goes through {@linkcode transition}; the launch/exit race is the job of
 * {@linkcode LaunchRecords}.
 */
export class ServiceRunner {
  config: ServiceConfig;
  #ctx: RunnerContext;
  #io: RunnerIo;
  #state: RunState = "stopped";
  #desired: "running" | "stopped" = "stopped";
  #lastExit: LastExit | null = null;
  #reason: string | null = null;
  /** When the supervisor itself (not a user) launched the current run. */
  #revivedAt: number | null = null;
  /** Whether the last stop needed SIGKILL after `stop_timeout`. */
  #killed = false;
  #process: TrackedProcess;
  #restarts: RestartTracker;
  #launches = new LaunchRecords();
  #queue = new SerialQueue();
  #pending = new PendingStarts();
  /** Retries of the current user start before its first readiness. */
  #earlyRetries = 0;

  constructor(config: ServiceConfig, ctx: RunnerContext) {
    this.config = config;
    this.#ctx = ctx;
    this.#io = ctx.io;
    this.#process = new TrackedProcess(config.name, ctx);
    this.#restarts = new RestartTracker(ctx.io);
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
    return this.#process.child?.pid ?? this.#process.identity?.pid ?? null;
  }

  /**
   * When the supervisor itself relaunched the running process (after an
   * exit, or one that died while no supervisor ran), in ms since the epoch;
   * `null` when a user started it or it is not running.
   */
  get revivedAt(): number | null {
    return this.#state === "running" ? this.#revivedAt : null;
  }

  /** Whether the last stop needed SIGKILL after `stop_timeout`. */
  get killed(): boolean {
    return this.#killed;
  }

  /** Whether the user last asked for this service to run. */
  get desired(): "running" | "stopped" {
    return this.#desired;
  }

  /** Runs `op` after every earlier operation on this service. */
  serialize<T>(op: () => Promise<T>): Promise<T> {
    return this.#queue.run(op);
  }

  /**
   * Starts the service unless it is running; waits until it is ready,
   * through the retries its restart policy allows before the first
   * readiness. A `ticket` from {@linkcode reserveStart} lets a stop cancel
   * the start while it still waits for its dependencies.
   */
  start(
    options: { ticket?: StartTicket | undefined } = {},
  ): Promise<"started" | "already-running"> {
    const ticket = options.ticket ?? this.#pending.open();
    return this.serialize(async () => {
      try {
        if (ticket.signal.aborted) throw startCancelledError(this.name);
        if (this.#state === "running") return "already-running";
        this.#desired = "running";
        this.#restarts.clear();
        if (
          this.#state === "failed" || this.#state === "stopped" ||
          this.#state === "completed"
        ) {
          this.#restarts.reset();
        }
        // A user's start begins a new run: RESTARTS and LAST EXIT describe it.
        this.#restarts.restarts = 0;
        this.#lastExit = null;
        this.#earlyRetries = 0;
        const launch = { userInitiated: true, signal: ticket.signal };
        let event: "start" | "retry" = "start";
        while (await this.#launch(event, launch) === "retry") event = "retry";
        return "started";
      } finally {
        this.#pending.close(ticket);
      }
    });
  }

  /** Reserves a start that runs later (after dependencies): a stop cancels it. */
  reserveStart(): StartTicket {
    return this.#pending.open();
  }

  /** Gives back a reserved start that never ran. */
  releaseStart(ticket: StartTicket): void {
    this.#pending.close(ticket);
  }

  /**
   * Stops the service and everything in its process group: its stop signal,
   * or SIGKILL at once with `force`. A start in progress or queued is
   * cancelled at once, not waited for.
   */
  stop(
    options: { force?: boolean } = {},
  ): Promise<"stopped" | "already-stopped"> {
    const cancelled = this.#pending.cancel();
    return this.serialize(async () => {
      this.#desired = "stopped";
      this.#restarts.clear();
      this.#killed = false;
      if (this.#state === "running") {
        await this.#stopProcess({ force: options.force === true });
        return "stopped";
      }
      const was = this.#state;
      this.#apply("stop");
      this.#ctx.changed();
      return was === "backoff" || cancelled ? "stopped" : "already-stopped";
    });
  }

  /**
   * Restarts the service because of `cause` (a watched file changed, its
   * memory is over the limit): counted as a restart, shown as the reason
   * (`restarted: <cause>`). Only a service its user wants up is restarted:
   * a running one, or one waiting in backoff or failed (a fix on disk
   * brings it back); a failed relaunch is decided by the restart policy.
   * With `freshBudget` (a deliberate restart, as for a changed file) the
   * `max_restarts` budget starts afresh, as after a user's restart.
   */
  restartFor(
    cause: string,
    options: { freshBudget?: boolean } = {},
  ): Promise<"restarted" | "skipped"> {
    // A ticket, so that a stop cancels the relaunch as it cancels a start.
    const ticket = this.#pending.open();
    return this.serialize(async () => {
      try {
        return await this.#restartFor(cause, { ...options, ticket });
      } finally {
        this.#pending.close(ticket);
      }
    });
  }

  async #restartFor(
    cause: string,
    options: { freshBudget?: boolean; ticket: StartTicket },
  ): Promise<"restarted" | "skipped"> {
    const state = this.#state;
    if (this.#desired !== "running") return "skipped";
    if (!["running", "backoff", "failed"].includes(state)) return "skipped";
    this.#restarts.clear();
    if (options.freshBudget === true) this.#restarts.reset();
    this.#restarts.count();
    this.#ctx.log.info("restarting {service}: {cause} (restart {n})", {
      service: this.name,
      cause,
      n: this.#restarts.restarts,
    });
    if (state === "running") await this.#stopProcess({ force: false });
    else this.#apply("stop");
    this.#emit({
      event: "restart",
      exit: this.#lastExit ?? undefined,
      reason: cause,
    });
    if (options.ticket.signal.aborted) return "restarted";
    await this.#launch("start", {
      userInitiated: false,
      signal: options.ticket.signal,
    });
    if (this.#state === "running") this.#reason = `restarted: ${cause}`;
    this.#ctx.changed();
    return "restarted";
  }

  /**
   * Restarts a service that died while no supervisor watched it, as its
   * restart policy would have: counted as a restart, and a failed launch
   * goes to backoff rather than to the caller.
   */
  revive(): Promise<void> {
    return this.#withTicket(async (signal) => {
      if (this.#state !== "stopped") return;
      this.#restarts.count();
      this.#ctx.log.info(
        "{service} died while no supervisor ran; restarting it",
        { service: this.name },
      );
      await this.#launch("start", { userInitiated: false, signal });
    });
  }

  /** Runs `op` as an operation that a stop cancels through `signal`. */
  #withTicket(op: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const ticket = this.#pending.open();
    return this.serialize(async () => {
      try {
        if (!ticket.signal.aborted) await op(ticket.signal);
      } finally {
        this.#pending.close(ticket);
      }
    });
  }

  /**
   * Takes over a process started by an earlier supervisor, after checking
   * its identity; returns `false` when the record no longer matches a live
   * process.
   */
  async adopt(record: ServiceRecord): Promise<boolean> {
    this.#restarts.restarts = record.restarts;
    this.#lastExit = record.lastExit;
    this.#desired = record.desired;
    const identity = record.identity;
    if (identity === null || !await this.#io.identityMatches(identity)) {
      return false;
    }
    if (!this.#apply("adopt")) return false;
    this.#reason = null;
    this.#revivedAt = null;
    const generation = this.#launches.begin("up");
    await this.#process.adopted({
      identity,
      port: record.port,
      startedAt: record.startedAt
        ? Date.parse(record.startedAt)
        : this.#io.now(),
    }, {
      checkIntervalMs: this.config.checkIntervalMs,
      onGone: () => this.#exited(generation, UNKNOWN_EXIT),
    });
    return true;
  }

  /** The service as `status` shows it. */
  view(): ServiceStatus {
    return serviceView(this.#snapshot(), this.#io.now());
  }

  /** What state.json keeps of this service. */
  record(): ServiceRecord {
    return serviceRecord(this.#snapshot());
  }

  /** Stops timers and lets the process exit while services run on. */
  detach(): void {
    this.#restarts.clear();
    this.#process.detach();
  }

  #snapshot(): RunnerSnapshot {
    return {
      name: this.name,
      state: this.#state,
      desired: this.#desired,
      identity: this.#process.identity,
      port: this.#process.port,
      startedAt: this.#process.startedAt,
      restarts: this.#restarts.restarts,
      lastExit: this.#lastExit,
      nextRestartAt: this.#restarts.nextRestartAt,
      reason: this.#reason,
      fingerprint: this.config.fingerprint,
      autostart: this.config.autostart,
    };
  }

  /**
   * Launches a new generation and waits for its readiness. An exit of the
   * child meanwhile is parked (the launch sees it itself) and routed again
   * once the launch returned. `retry`: a user's start crashed before it was
   * ready, the policy restarts it, and the backoff has passed.
   */
  async #launch(
    event: "start" | "retry",
    options: LaunchOptions,
  ): Promise<"done" | "retry"> {
    if (!this.#apply(event)) return "done";
    this.#reason = null;
    this.#ctx.changed();
    const generation = this.#launches.begin("spawning");
    try {
      // The old PID file still being removed in the background (after a
      // stop): the new one must not be taken with it.
      await this.#process.removal;
      const launched = await this.#io.launch(this.config, {
        paths: this.#ctx.paths,
        baseEnv: this.#ctx.baseEnv,
        port: await this.#ctx.ports.grant(this.config),
        onSpawn: (child, port) => this.#spawned(generation, { child, port }),
        signal: options.signal,
        ...this.#ctx.peerPorts &&
          { peerPorts: this.#ctx.peerPorts(this.config) },
      });
      if (launched.kind === "ready") {
        this.#apply("ready");
        this.#emit({ event: "ready" });
        // Only a restart after an exit this supervisor saw is reported as
        // its doing; a revival at its start, or an early retry of a user's
        // start, is part of the user's command.
        this.#revivedAt = event === "retry" && !options.userInitiated
          ? this.#io.now()
          : null;
        this.#ctx.log.info("{service} is ready (pid {pid})", {
          service: this.name,
          pid: launched.pid,
        });
        this.#ctx.changed();
        this.#ctx.onReady?.(this.name, this.#process.port);
        return "done";
      }
      if (launched.kind === "completed") {
        this.#settleExit(generation, launched.exit);
        this.#apply("complete");
        // Done: a later supervisor must not run it again on its own.
        this.#desired = "stopped";
        this.#ctx.log.info(
          "{service} completed (pid {pid} exited with code {code})",
          {
            service: this.name,
            pid: launched.pid,
            code: launched.exit.code,
          },
        );
        this.#ctx.changed();
        return "done";
      }
      if (launched.kind === "cancelled") {
        await this.#cancelled(generation, options);
        return "done";
      }
      return await this.#launchFailed(generation, launched, options);
    } catch (error) {
      await this.#launchThrew(generation, error);
      throw error;
    } finally {
      const parked = this.#launches.launched(generation);
      if (parked !== null) this.#exited(generation, parked);
    }
  }

  async #spawned(
    generation: number,
    spawned: { child: SpawnedProcess; port: number | null },
  ): Promise<void> {
    this.#launches.spawned(generation);
    await this.#process.spawned(
      spawned,
      (exit) => this.#exited(generation, exit),
    );
    this.#ctx.changed();
  }

  /**
   * A stop cancelled the launch: ends its group and the service is stopped;
   * a user's start learns it was cancelled.
   */
  async #cancelled(generation: number, options: LaunchOptions): Promise<void> {
    this.#ctx.log.info("a stop cancelled the start of {service}", {
      service: this.name,
    });
    await this.#process.endGroup(this.config);
    const child = this.#process.child;
    this.#settleExit(generation, child ? await child.exited : UNKNOWN_EXIT);
    this.#apply("cancel");
    this.#reason = null;
    this.#ctx.changed();
    if (options.userInitiated) throw startCancelledError(this.name);
  }

  /**
   * The launch exited or timed out before it was ready. A user's start
   * whose process crashed is retried as the restart policy says (backoff,
   * `max_restarts`): `retry` once the backoff has passed.
   */
  async #launchFailed(
    generation: number,
    failure: Exclude<
      LaunchOutcome,
      { kind: "ready" | "completed" | "cancelled" }
    >,
    options: LaunchOptions,
  ): Promise<"done" | "retry"> {
    const timedOut = failure.kind === "timeout";
    const why = timedOut
      ? `not ready after ${this.config.readyTimeoutMs / 1000} s (waited for ${
        describeReady(this.config, this.#process.port)
      })`
      : describeExit(failure.exit);
    if (timedOut) await this.#process.endGroup(this.config);
    const exit = timedOut ? UNKNOWN_EXIT : failure.exit;
    // A crash may be relaunched at once: its PID file goes now.
    this.#settleExit(generation, exit, { now: !timedOut });
    this.#ctx.log.warn("{service} failed to start: {why}", {
      service: this.name,
      why,
    });
    if (!options.userInitiated) {
      this.#decide(exit);
      return "done";
    }
    const retry = timedOut ? null : this.#retryBeforeReady(exit);
    if (retry?.kind === "restart") {
      await this.#backoffBeforeReady(retry.delayMs, options.signal);
      return "retry";
    }
    const gaveUp = retry?.kind === "fail" ? `${why}; ${retry.reason}` : why;
    this.#apply("launch-failed");
    this.#reason = gaveUp;
    this.#emit({ event: "failed", exit, reason: gaveUp });
    this.#ctx.changed();
    throw startFailedError(this.name, {
      why: gaveUp,
      logTail: failure.logTail,
    });
  }

  /**
   * The policy's decision on a crash before the first readiness, if it
   * restarts. `max_restarts` bounds these retries in all (not only within
   * `restart_window`), so that the start ends.
   */
  #retryBeforeReady(exit: ExitStatus): ExitDecision | null {
    if (this.config.restart === "never") return null;
    if (this.#earlyRetries >= this.config.maxRestarts) {
      return {
        kind: "fail",
        reason:
          `restarted ${this.#earlyRetries} times before it was ready (max_restarts)`,
      };
    }
    const decision = this.#restarts.decide(this.config, {
      exit,
      startedAt: this.#process.startedAt,
    });
    return decision.kind === "stop" ? null : decision;
  }

  /**
   * Waits in backoff before relaunching a start that crashed before it was
   * ready; a stop cancels the wait (and the start).
   */
  async #backoffBeforeReady(
    delayMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    this.#apply("crash");
    this.#ctx.log.info(
      "{service} exited before it was ready; restarting it in {delay} s",
      { service: this.name, delay: delayMs / 1000 },
    );
    this.#ctx.changed();
    if (!await this.#restarts.wait(delayMs, signal)) {
      this.#apply("cancel");
      this.#reason = null;
      this.#ctx.changed();
      throw startCancelledError(this.name);
    }
    this.#restarts.count();
    this.#earlyRetries++;
    this.#ctx.log.info("restarting {service} (restart {n})", {
      service: this.name,
      n: this.#restarts.restarts,
    });
  }

  /**
   * The launch threw (no port, no spawn, no PID file). A child it leaves is
   * ended; its exit is recorded when reported, after the service failed.
   */
  async #launchThrew(generation: number, error: unknown): Promise<void> {
    if (this.#state !== "starting") return; // #launchFailed decided it
    if (this.#process.child !== null) {
      await this.#process.endGroup(this.config);
    } else {
      this.#launches.settle(generation);
      this.#process.releasePort();
    }
    this.#apply("launch-failed");
    this.#reason = messageOf(error);
    this.#emit({ event: "failed", reason: this.#reason });
    this.#ctx.changed();
  }

  /**
   * A report that the process of `generation` exited (its `exited` promise,
   * or a failed check of an adopted process). The races, by case:
   * - during its launch: parked; the launch sees the exit itself, then hands
   *   the parked report back, settled already unless readiness won the race;
   * - of an earlier generation (a stop and a start came since): stale;
   * - racing a stop: the stop and this report both settle the generation,
   *   the second finds it settled; a report that comes first leaves the
   *   decision to the stop (state `stopping`).
   */
  #exited(generation: number, exit: ExitStatus): void {
    if (this.#launches.route(generation, exit) !== "handle") return;
    // Not stopping: the policy may relaunch at once.
    const now = this.#state !== "stopping";
    if (!this.#settleExit(generation, exit, { now })) return;
    this.#ctx.log.info("{service} pid {pid} {how}", {
      service: this.name,
      pid: this.#process.identity?.pid,
      how: describeExit(exit),
    });
    if (this.#state === "stopping") return; // the stop confirms it
    void this.serialize(async () => {
      // A stop and a start may have run first: the new process is not ours.
      if (!this.#launches.isCurrent(generation)) return;
      await this.#process.endGroup(this.config).catch((error) =>
        this.#logError("cannot end what is left of {service}: {error}", error)
      );
      this.#decide(exit);
    }).catch((error) =>
      this.#logError("{service} after its exit: {error}", error)
    );
  }

  /**
   * Records the exit of `generation` once; `false` when already recorded.
   * `now`: the PID file is removed before returning (see TrackedProcess.gone).
   */
  #settleExit(
    generation: number,
    exit: ExitStatus,
    options: { now?: boolean } = {},
  ): boolean {
    if (!this.#launches.settle(generation)) return false;
    this.#process.gone(options);
    this.#lastExit = { ...exit, at: new Date(this.#io.now()).toISOString() };
    this.#emit({ event: "exit", exit });
    this.#ctx.changed();
    return true;
  }

  /** What the restart policy does after the service exited by itself. */
  #decide(exit: ExitStatus): void {
    // Only a live service is decided: a failed launch or a stop came first.
    if (this.#state !== "running" && this.#state !== "starting") return;
    if (this.#desired === "stopped") {
      // Adopted while its user wanted it down: it stays down.
      this.#apply("exit");
      this.#reason = null;
      this.#ctx.changed();
      return;
    }
    const decision = this.#restarts.decide(this.config, {
      exit,
      startedAt: this.#process.startedAt,
    });
    if (!this.#apply(decisionEvent(decision))) return;
    this.#reason = decision.kind === "restart" ? null : decision.reason;
    if (decision.kind === "restart") this.#scheduleRestart(decision.delayMs);
    if (decision.kind === "fail") {
      this.#ctx.log.warn("{service} failed: {reason}", {
        service: this.name,
        reason: decision.reason,
      });
      this.#emit({ event: "failed", exit, reason: decision.reason });
    }
    this.#ctx.changed();
  }

  /** Relaunches the service after `delayMs` unless a start or a stop comes first. */
  #scheduleRestart(delayMs: number): void {
    this.#restarts.schedule(delayMs, () => {
      void this.#withTicket(async (signal) => {
        if (this.#state !== "backoff") return; // a start or a stop came first
        this.#restarts.count();
        this.#ctx.log.info("restarting {service} (restart {n})", {
          service: this.name,
          n: this.#restarts.restarts,
        });
        this.#emit({
          event: "restart",
          exit: this.#lastExit ?? undefined,
          reason: this.#lastExit ? describeExit(this.#lastExit) : undefined,
        });
        await this.#launch("retry", { userInitiated: false, signal }).catch((
          error,
        ) => this.#logError("{service} could not restart: {error}", error));
      }).catch((error) =>
        this.#logError("restart of {service}: {error}", error)
      );
    });
  }

  /**
   * Ends the running process group. Its exit may be reported before the
   * stop records it; whichever comes second finds it settled.
   */
  async #stopProcess(options: { force: boolean }): Promise<void> {
    this.#apply("stop");
    this.#ctx.changed();
    this.#ctx.log.info("stopping {service} pid {pid}", {
      service: this.name,
      pid: this.#process.identity?.pid,
    });
    const outcome = await this.#process.endGroup(this.config, options);
    this.#killed = outcome.escalated;
    if (outcome.escalated) {
      this.#ctx.log.warn("{service} ignored {signal}; sent SIGKILL", {
        service: this.name,
        signal: this.config.stopSignal,
      });
    }
    const generation = this.#launches.current.generation;
    const child = this.#process.child;
    this.#settleExit(generation, child ? await child.exited : UNKNOWN_EXIT);
    this.#apply("stopped");
    this.#reason = null;
    this.#ctx.changed();
  }

  /** Tells the supervisor (for hooks) what happened; the PID and port are the process's. */
  #emit(event: Omit<ServiceEvent, "pid" | "port">): void {
    this.#ctx.onServiceEvent?.(this.config, {
      ...event,
      pid: this.#process.identity?.pid ?? null,
      port: this.#process.port,
    });
  }

  #logError(message: string, error: unknown): void {
    this.#ctx.log.error(message, {
      service: this.name,
      error: messageOf(error),
    });
  }

  /** Applies `event`; an event that does not apply is reported, not taken. */
  #apply(event: RunEvent): boolean {
    const result = transition(this.#state, event);
    if (!result.ok) {
      this.#ctx.onInvalidTransition({
        service: this.name,
        state: this.#state,
        event,
      });
      return false;
    }
    this.#state = result.state;
    return true;
  }
}
