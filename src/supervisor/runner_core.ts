import type { ServiceConfig } from "../config/schema.ts";
import { messageOf } from "../errors.ts";
import type { LastExit } from "../ipc/protocol.ts";
import type { ExitStatus } from "../proc/spawn.ts";
import type { ServiceEvent } from "./hooks.ts";
import { LaunchRecords } from "./launch_record.ts";
import { PendingStarts } from "./pending_starts.ts";
import { RestartTracker } from "./restart_tracker.ts";
import type { RunnerContext, RunnerIo } from "./runner_io.ts";
import type { RunnerSnapshot } from "./runner_views.ts";
import { SerialQueue } from "./serial_queue.ts";
import { TrackedProcess } from "./tracked_process.ts";
import { type RunEvent, type RunState, transition } from "./transition.ts";

/** The exit of a process whose status is unknown (adopted, timed out). */
export const UNKNOWN_EXIT: ExitStatus = { code: null, signal: null };

/** How a launch is made: by the user (waited for) or by policy, and its cancel. */
export interface LaunchOptions {
  userInitiated: boolean;
  /** Aborted when a stop cancels the start. */
  signal: AbortSignal;
}

/** Launches a new generation and waits for its readiness (runner_launch.ts). */
export type Launch = (
  event: "start" | "retry",
  options: LaunchOptions,
) => Promise<"done" | "retry">;

/**
 * The state of one service runner and the steps every piece of it
 * takes (apply an event, tell the hooks, log, queue an operation): what the
 * class and runner_*.ts share.
 */
export class RunnerCore {
  config: ServiceConfig;
  readonly ctx: RunnerContext;
  readonly io: RunnerIo;
  state: RunState = "stopped";
  desired: "running" | "stopped" = "stopped";
  lastExit: LastExit | null = null;
  reason: string | null = null;
  /** When the supervisor itself (not a user) launched the current run. */
  revivedAt: number | null = null;
  /** Whether the last stop needed SIGKILL after `stop_timeout`. */
  killed = false;
  readonly process: TrackedProcess;
  readonly restarts: RestartTracker;
  readonly launches: LaunchRecords = new LaunchRecords();
  readonly queue: SerialQueue = new SerialQueue();
  readonly pending: PendingStarts = new PendingStarts();
  /** Retries of the current user start before its first readiness. */
  earlyRetries = 0;
  /**
   * Launches a new generation: given by the runner, as the exit handling
   * that relaunches after a backoff cannot import runner_launch.ts (which
   * imports it).
   */
  readonly launch: Launch;

  constructor(
    config: ServiceConfig,
    options: { ctx: RunnerContext; launch: Launch },
  ) {
    this.config = config;
    this.ctx = options.ctx;
    this.io = options.ctx.io;
    this.process = new TrackedProcess(config.name, options.ctx);
    this.restarts = new RestartTracker(options.ctx.io);
    this.launch = options.launch;
  }

  /** The service's name. */
  get name(): string {
    return this.config.name;
  }

  /** Runs `op` after every earlier operation on this service. */
  serialize<T>(op: () => Promise<T>): Promise<T> {
    return this.queue.run(op);
  }

  /** Runs `op` as an operation that a stop cancels through `signal`. */
  withTicket(op: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const ticket = this.pending.open();
    return this.serialize(async () => {
      try {
        if (!ticket.signal.aborted) await op(ticket.signal);
      } finally {
        this.pending.close(ticket);
      }
    });
  }

  /** Everything the runner shows of itself, as plain data. */
  snapshot(): RunnerSnapshot {
    return {
      name: this.name,
      state: this.state,
      desired: this.desired,
      identity: this.process.identity,
      port: this.process.port,
      startedAt: this.process.startedAt,
      restarts: this.restarts.restarts,
      lastExit: this.lastExit,
      nextRestartAt: this.restarts.nextRestartAt,
      reason: this.reason,
      fingerprint: this.config.fingerprint,
      autostart: this.config.autostart,
    };
  }

  /** Tells the supervisor (for hooks) what happened; the PID and port are the process's. */
  emit(event: Omit<ServiceEvent, "pid" | "port">): void {
    this.ctx.onServiceEvent?.(this.config, {
      ...event,
      pid: this.process.identity?.pid ?? null,
      port: this.process.port,
    });
  }

  /** Logs `error` with this service's name. */
  logError(message: string, error: unknown): void {
    this.ctx.log.error(message, {
      service: this.name,
      error: messageOf(error),
    });
  }

  /** Applies `event`; an event that does not apply is reported, not taken. */
  apply(event: RunEvent): boolean {
    const result = transition(this.state, event);
    if (!result.ok) {
      this.ctx.onInvalidTransition({
        service: this.name,
        state: this.state,
        event,
      });
      return false;
    }
    this.state = result.state;
    return true;
  }
}
