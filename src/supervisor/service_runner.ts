import type { ServiceConfig } from "../config/schema.ts";
import type { ServiceStatus } from "../ipc/protocol.ts";
import { hasProcess, serviceRecord, serviceView } from "./runner_views.ts";
import type { ServiceRecord } from "../workspace/state_file.ts";
import type { RunState } from "./transition.ts";
import type { RunnerContext } from "./runner_io.ts";
import { startCancelledError, type StartTicket } from "./pending_starts.ts";
import { RunnerCore } from "./runner_core.ts";
import { launch } from "./runner_launch.ts";
import { stopService } from "./runner_stop.ts";
import { restartFor, revive } from "./runner_restart.ts";
import { adopt } from "./runner_adopt.ts";

export type { RunnerContext } from "./runner_io.ts";

/**
 * One service under supervision: its state, its process, and the operations
 * on it. Operations run one at a time (a queue), so concurrent requests for
 * the same service never race; exits arrive as events. Every state change
 * goes through `transition` (transition.ts); the launch/exit race is the job
 * of `LaunchRecords` (launch_record.ts). Its state lives in a
 * {@linkcode RunnerCore}, which runner_*.ts (launch, exit, stop, restart,
 * adoption) work on.
 */
export class ServiceRunner {
  #core: RunnerCore;

  constructor(config: ServiceConfig, ctx: RunnerContext) {
    this.#core = new RunnerCore(config, {
      ctx,
      launch: (event, options) => launch(this.#core, event, options),
    });
  }

  /** The service's config. */
  get config(): ServiceConfig {
    return this.#core.config;
  }

  set config(config: ServiceConfig) {
    this.#core.config = config;
  }

  /** The service's name. */
  get name(): string {
    return this.#core.name;
  }

  /** The current state. */
  get state(): RunState {
    return this.#core.state;
  }

  /** The PID (and process group) of the live process, if any. */
  get trackedPid(): number | null {
    const core = this.#core;
    if (!hasProcess(core.state)) return null;
    return core.process.child?.pid ?? core.process.identity?.pid ?? null;
  }

  /**
   * When the supervisor itself relaunched the running process (after an
   * exit, or one that died while no supervisor ran), in ms since the epoch;
   * `null` when a user started it or it is not running.
   */
  get revivedAt(): number | null {
    return this.#core.state === "running" ? this.#core.revivedAt : null;
  }

  /** Whether the last stop needed SIGKILL after `stop_timeout`. */
  get killed(): boolean {
    return this.#core.killed;
  }

  /** Whether the user last asked for this service to run. */
  get desired(): "running" | "stopped" {
    return this.#core.desired;
  }

  /** Runs `op` after every earlier operation on this service. */
  serialize<T>(op: () => Promise<T>): Promise<T> {
    return this.#core.serialize(op);
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
    const core = this.#core;
    const ticket = options.ticket ?? core.pending.open();
    return this.serialize(async () => {
      try {
        if (ticket.signal.aborted) throw startCancelledError(this.name);
        if (core.state === "running") return "already-running";
        core.desired = "running";
        core.restarts.clear();
        if (
          core.state === "failed" || core.state === "stopped" ||
          core.state === "completed"
        ) {
          core.restarts.reset();
        }
        // A user's start begins a new run: RESTARTS and LAST EXIT describe it.
        core.restarts.restarts = 0;
        core.lastExit = null;
        core.earlyRetries = 0;
        const how = { userInitiated: true, signal: ticket.signal };
        let event: "start" | "retry" = "start";
        while (await launch(core, event, how) === "retry") event = "retry";
        return "started";
      } finally {
        core.pending.close(ticket);
      }
    });
  }

  /** Reserves a start that runs later (after dependencies): a stop cancels it. */
  reserveStart(): StartTicket {
    return this.#core.pending.open();
  }

  /** Gives back a reserved start that never ran. */
  releaseStart(ticket: StartTicket): void {
    this.#core.pending.close(ticket);
  }

  /**
   * Stops the service and everything in its process group: its stop signal,
   * or SIGKILL at once with `force`. A start in progress or queued is
   * cancelled at once, not waited for.
   */
  stop(
    options: { force?: boolean } = {},
  ): Promise<"stopped" | "already-stopped"> {
    return stopService(this.#core, options);
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
    return restartFor(this.#core, cause, options);
  }

  /**
   * Restarts a service that died while no supervisor watched it, as its
   * restart policy would have: counted as a restart, and a failed launch
   * goes to backoff rather than to the caller.
   */
  revive(): Promise<void> {
    return revive(this.#core);
  }

  /**
   * Takes over a process started by an earlier supervisor, after checking
   * its identity; returns `false` when the record no longer matches a live
   * process.
   */
  adopt(record: ServiceRecord): Promise<boolean> {
    return adopt(this.#core, record);
  }

  /** The service as `status` shows it. */
  view(): ServiceStatus {
    return serviceView(this.#core.snapshot(), this.#core.io.now());
  }

  /** What state.json keeps of this service. */
  record(): ServiceRecord {
    return serviceRecord(this.#core.snapshot());
  }

  /** Stops timers and lets the process exit while services run on. */
  detach(): void {
    this.#core.restarts.clear();
    this.#core.process.detach();
  }
}
