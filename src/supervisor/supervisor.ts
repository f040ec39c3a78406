import type { Config, ServiceConfig } from "../config/schema.ts";
import { lazyImport } from "../_lazy.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { messageOf, TendError } from "../errors.ts";
import type {
  ActionResponse,
  CleanupRequest,
  CleanupResponse,
  ReloadResponse,
  RunRequest,
  StartRequest,
  StatusResponse,
} from "../ipc/protocol.ts";
import type { Log } from "./log.ts";
import { type RunnerContext, ServiceRunner } from "./service_runner.ts";
import type { Ticker } from "./ticker.ts";
import { logInvalidTransition, realRunnerIo } from "./runner_io.ts";
import { PortLedger } from "./port_ledger.ts";
import { PortReferences } from "./port_references.ts";
import { recoverServices } from "./adoption.ts";
import { UsageSampler } from "../workspace/usage.ts";
import type { Timing } from "../timing.ts";
import { ConfigSource } from "./config_source.ts";
import { ClosingGate } from "./closing.ts";
import { OneOffs } from "./one_offs.ts";
import type { SchedulerClock } from "./scheduler.ts";
import { LazyScheduler } from "./lazy_scheduler.ts";
import { ServiceExtras } from "./service_extras.ts";
import type { SupervisorContext } from "./supervisor_context.ts";
import { runnerStatus, supervisorStatus } from "./supervisor_status.ts";
import { restartFresh, startFresh } from "./supervisor_fresh.ts";
import { restartMoved, start } from "./supervisor_start.ts";
import { restart, stop } from "./supervisor_stop.ts";
import { StateSaver } from "./state_saver.ts";
import { ScheduleSync } from "./schedule_sync.ts";

/** What a supervisor is built from. */
export interface SupervisorOptions {
  paths: WorkspacePaths;
  config: Config;
  log: Log;
  bootId: string;
  /** The environment services start from. */
  baseEnv: Record<string, string>;
  /** Re-reads the config (for reload, start, restart and status). */
  loadConfig(): Promise<Config>;
  /** The shared tick of periodic checks. */
  ticker: Ticker;
  /** The fixed waits (graces of cleanup and recovery). */
  timing: Timing;
  /** The clock of schedules. @default {REAL_CLOCK} */
  clock?: SchedulerClock;
}

/**
 * The services of one workspace and the operations of the control API. It
 * assumes its caller holds the workspace lock.
 */
export class Supervisor {
  readonly startedAt: Date = new Date();
  #options: SupervisorOptions;
  #runners = new Map<string, ServiceRunner>();
  #context: RunnerContext;
  #sampler = new UsageSampler();
  #source: ConfigSource;
  #references: PortReferences;
  #gate = new ClosingGate();
  #oneOffs = new OneOffs();
  #scheduler: LazyScheduler;
  /** Watches, hooks and memory limits. */
  #extras: ServiceExtras;
  /** The state and operations that supervisor_*.ts share. */
  #shared: SupervisorContext;
  #saver: StateSaver;
  #schedules: ScheduleSync;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#source = new ConfigSource(options.loadConfig);
    const ports = new PortLedger({ log: options.log });
    this.#references = new PortReferences(ports);
    this.#extras = new ServiceExtras({
      ...options,
      root: options.paths.root,
      runner: (name) => this.#runners.get(name),
    });
    this.#context = {
      paths: options.paths,
      bootId: options.bootId,
      log: options.log,
      baseEnv: options.baseEnv,
      ports,
      peerPorts: (service) =>
        this.#references.portsFor(service, this.config.services),
      onReady: (name, port) => restartMoved(this.#shared, { name, port }),
      changed: () => this.#changed(),
      ticker: options.ticker,
      io: realRunnerIo,
      onInvalidTransition: logInvalidTransition(options.log),
      onServiceEvent: this.#extras.onServiceEvent,
    };
    this.#scheduler = new LazyScheduler({
      clock: options.clock,
      onEvent: (service, event) =>
        options.log.info("{service}: {event}", { service, event }),
    });
    this.#saver = new StateSaver({
      stateFile: options.paths.stateFile,
      runners: this.#runners,
      onError: (error) => this.#logError("state", error),
    });
    this.#schedules = new ScheduleSync({
      scheduler: this.#scheduler,
      runners: this.#runners,
      start: (names) => this.start(names),
      restart: (names) => this.restart(names),
    });
    this.#shared = this.#share(options.config);
    for (const service of this.config.services) this.#addRunner(service);
    this.#extras.sync(this.config.services);
  }

  /** The state and operations of this supervisor that its pieces use. */
  #share(config: Config): SupervisorContext {
    return {
      options: this.#options,
      config,
      runners: this.#runners,
      source: this.#source,
      references: this.#references,
      gate: this.#gate,
      oneOffs: this.#oneOffs,
      extras: this.#extras,
      runner: (name) => this.#runner(name),
      view: (runner) =>
        runnerStatus(runner, {
          ports: this.#context.ports,
          oneOffs: this.#oneOffs,
          scheduler: this.#scheduler,
        }),
      addRunner: (service) => this.#addRunner(service),
      changed: () => this.#changed(),
      logError: (subject, error) => this.#logError(subject, error),
      start: (names, options) => this.start(names, options),
      stop: (names) => this.stop(names),
      restart: (names) => this.restart(names),
    };
  }

  /** The config in force. */
  get config(): Config {
    return this.#shared.config;
  }

  /**
   * Adopts the services an earlier supervisor left running (by recorded
   * identity, then by workspace tag), ends tracked processes that the config
   * no longer lists, and restarts services that died while no supervisor ran.
   */
  async recover(): Promise<void> {
    await recoverServices(this.#runners, this.#options);
    this.#changed();
  }

  /** Whether starts are refused (a shutdown is under way). */
  get closing(): boolean {
    return this.#gate.closed;
  }

  /**
   * Refuses every start, restart and reload from now on (`SHUTTING_DOWN`):
   * the supervisor is about to exit. A start accepted earlier is cancelled
   * by the stop that follows (`START_CANCELLED`).
   */
  close(): void {
    this.#gate.close({ final: true });
  }

  /** `status` of every service, with CPU and memory figures. */
  status(): Promise<StatusResponse> {
    return supervisorStatus(this.#shared, {
      startedAt: this.startedAt,
      sampler: this.#sampler,
    });
  }

  /**
   * `start` as a user asks it: first the file's definitions of the services
   * it touches (new ones and changed ones), restarting those running whose
   * change needs it. An invalid file fails with `CONFIG_INVALID` and changes
   * nothing.
   */
  startFresh(
    names: readonly string[],
    options: { wait?: boolean } = {},
  ): Promise<ActionResponse> {
    return startFresh(this.#shared, names, options);
  }

  /** `restart` as a user asks it: first the file's definitions of the services it touches. */
  restartFresh(names: readonly string[]): Promise<ActionResponse> {
    return restartFresh(this.#shared, names);
  }

  /** Starts the named services (all autostart ones when none) and their dependencies. */
  start(
    names: readonly string[],
    options: Partial<Omit<StartRequest, "names">> = {},
  ): Promise<ActionResponse> {
    return start(this.#shared, names, options);
  }

  /**
   * Stops the named services (all when none), dependents first; `force`
   * SIGKILLs each process group at once. `closing`: a shutdown follows, so
   * starts are refused from now on.
   */
  stop(
    names: readonly string[],
    options: { force?: boolean | undefined; closing?: boolean } = {},
  ): Promise<ActionResponse> {
    return stop(this.#shared, names, options);
  }

  /**
   * Stops then starts the named services (all when none). Active services
   * that depend on them are stopped first and started again once they are
   * ready.
   */
  restart(names: readonly string[]): Promise<ActionResponse> {
    return restart(this.#shared, names);
  }

  /**
   * `tend run`: adds a one-off service (validated as a tend.toml entry, under
   * a name the file does not have) and starts it. A stopped or failed one of
   * the same name is replaced; a live one is `ALREADY_RUNNING`.
   */
  async runOneOff(request: RunRequest): Promise<ActionResponse> {
    const { runOneOff } = await lazyImport<
      typeof import("./supervisor_one_off.ts")
    >(new URL("./supervisor_one_off.ts", import.meta.url));
    return await runOneOff(this.#shared, request);
  }

  /**
   * Re-reads the config and applies only the difference. This, `tend run`
   * and cleanup load their code when first asked: a supervisor's start
   * loads less (about 2 ms in lite mode, measured).
   */
  async reload(): Promise<ReloadResponse> {
    const { reload } = await lazyImport<
      typeof import("./supervisor_reload.ts")
    >(new URL("./supervisor_reload.ts", import.meta.url));
    return await reload(this.#shared);
  }

  /**
   * Ends processes tagged with the workspace that no service tracks, and
   * removes stale files; lists them only with `dryRun`. Every service
   * operation waits meanwhile, so no fresh spawn is mistaken for an orphan.
   */
  async cleanup(options: CleanupRequest): Promise<CleanupResponse> {
    const { cleanup } = await lazyImport<
      typeof import("./supervisor_cleanup.ts")
    >(new URL("./supervisor_cleanup.ts", import.meta.url));
    return await cleanup(this.#shared, options);
  }

  /** Stops every service (reverse dependency order). */
  async stopAll(): Promise<void> {
    this.#scheduler.stop();
    await this.stop([]);
  }

  /** Saves state and stops timers, leaving services running. */
  async detach(): Promise<void> {
    this.#gate[Symbol.dispose]();
    this.#scheduler.stop();
    await this.#extras.close();
    for (const runner of this.#runners.values()) runner.detach();
    this.#changed();
    await this.flushed();
  }

  /** Resolves when state.json reflects every change so far. */
  flushed(): Promise<void> {
    return this.#saver.flushed();
  }

  #runner(name: string): ServiceRunner {
    const runner = this.#runners.get(name);
    if (!runner) {
      throw new TendError(
        "UNKNOWN_SERVICE",
        `Cannot find service "${name}" in "${this.config.file}"`,
      );
    }
    return runner;
  }

  #addRunner(service: ServiceConfig): void {
    this.#runners.set(service.name, new ServiceRunner(service, this.#context));
  }

  #changed(): void {
    this.#schedules.sync();
    this.#saver.changed();
  }

  #logError(subject: string, error: unknown): void {
    this.#options.log.error("{subject}: {error}", {
      subject,
      error: messageOf(error),
    });
  }
}
