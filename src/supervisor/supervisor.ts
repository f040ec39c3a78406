import type { Config, ServiceConfig } from "../config/schema.ts";
import { dependencyOrder, expandNames } from "../config/services.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { messageOf, TendError } from "../errors.ts";
import type {
  ActionResponse,
  ActionResult,
  CleanupRequest,
  CleanupResponse,
  ConfigApplied,
  ReloadResponse,
  RunRequest,
  ServiceStatus,
  StartRequest,
  StatusResponse,
} from "../ipc/protocol.ts";
import { VERSION } from "../version.ts";
import { diffServices } from "./diff.ts";
import type { Log } from "./log.ts";
import { type RunnerContext, ServiceRunner } from "./service_runner.ts";
import type { StartTicket } from "./pending_starts.ts";
import type { Ticker } from "./ticker.ts";
import { logInvalidTransition, realRunnerIo } from "./runner_io.ts";
import { writeState } from "../workspace/state_file.ts";
import { runOrdered } from "./ordered.ts";
import { holdSpawning } from "./launch.ts";
import { activeDependents } from "./cascade.ts";
import { PortLedger } from "./port_ledger.ts";
import { PortReferences } from "./port_references.ts";
import { cleanWorkspace } from "../workspace/cleanup.ts";
import { recoverServices } from "./adoption.ts";
import { addUsage, UsageSampler } from "../workspace/usage.ts";
import type { Timing } from "../timing.ts";
import {
  appliedSummary,
  type FreshenPlan,
  planFreshen,
  requestedNames,
  touchedServices,
  withApplied,
} from "./freshen.ts";
import { ConfigSource } from "./config_source.ts";
import { ClosingGate } from "./closing.ts";

/** How long starts stay refused after a closing stop if no shutdown follows. */
const CLOSING_REOPEN_MS = 10_000;
import { OneOffs } from "./one_offs.ts";
import type { SchedulerClock } from "./scheduler.ts";
import { LazyScheduler } from "./lazy_scheduler.ts";
import { syncSchedules, withSchedule } from "./scheduled.ts";
import { ServiceExtras } from "./service_extras.ts";
import {
  dependencyFailed,
  failedResult,
  restartResults,
} from "./action_results.ts";

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
  #config: Config;
  #runners = new Map<string, ServiceRunner>();
  #dirty = false;
  #saving: Promise<void> | null = null;
  #context: RunnerContext;
  #sampler = new UsageSampler();
  #source: ConfigSource;
  #references: PortReferences;
  #gate = new ClosingGate();
  #oneOffs = new OneOffs();
  #scheduler: LazyScheduler;
  /** The config of each runner when the scheduler was last synced. */
  #scheduledConfigs = new Map<string, ServiceConfig>();
  /** Watches, hooks and memory limits. */
  #extras: ServiceExtras;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#config = options.config;
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
        this.#references.portsFor(service, this.#config.services),
      onReady: (name, port) => this.#restartMoved(name, port),
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
    for (const service of this.#config.services) this.#addRunner(service);
    this.#extras.sync(this.#config.services);
  }

  /** The config in force. */
  get config(): Config {
    return this.#config;
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
  async status(): Promise<StatusResponse> {
    const views = [...this.#runners.values()].map((runner) =>
      this.#view(runner)
    );
    const drift = await this.#source.drift(this.#config);
    return {
      workspace: this.#options.paths.root,
      supervisor: {
        status: "running",
        pid: Deno.pid,
        startedAt: this.startedAt.toISOString(),
        version: VERSION,
      },
      services: await addUsage(views, this.#sampler),
      ...(drift === null ? {} : { configDrift: drift }),
    };
  }

  /**
   * `start` as a user asks it: first the file's definitions of the services
   * it touches (new ones and changed ones), restarting those running whose
   * change needs it. An invalid file fails with `CONFIG_INVALID` and changes
   * nothing.
   */
  async startFresh(
    names: readonly string[],
    options: { wait?: boolean } = {},
  ): Promise<ActionResponse> {
    const oneOff = names.filter((name) => this.#oneOffs.has(name));
    if (oneOff.length > 0 && oneOff.length === names.length) {
      return await this.start(names, options);
    }
    const fromFile = names.filter((name) => !this.#oneOffs.has(name));
    const { plan, requested: listed, applied } = await this.#applyFile(
      fromFile,
      { all: "autostart" },
    );
    const requested = [...listed, ...oneOff];
    const active = plan.restart.filter((name) => isActive(this.#runner(name)));
    let restarted: ActionResult[] = [];
    if (active.length > 0 && options.wait === false) {
      void this.restart(active).catch((error) =>
        this.#logError("start", error)
      );
    } else if (active.length > 0) {
      restarted = (await this.restart(active)).results;
    }
    const started = requested.length === 0
      ? { results: [] }
      : await this.start(requested, options);
    const byName = new Map(restarted.map((result) => [result.name, result]));
    const results = started.results.map((r) => byName.get(r.name) ?? r);
    return withApplied({ results }, applied);
  }

  /** `restart` as a user asks it: first the file's definitions of the services it touches. */
  async restartFresh(names: readonly string[]): Promise<ActionResponse> {
    const fromFile = names.filter((name) => !this.#oneOffs.has(name));
    if (names.length > 0 && fromFile.length === 0) {
      return await this.restart(names);
    }
    const { applied } = await this.#applyFile(fromFile, { all: "running" });
    return withApplied(await this.restart(names), applied);
  }

  /**
   * Reads the file and applies its definitions of the services `names`
   * touch (all autostart or all running ones when none), under the config
   * queue: what runs is always the newest read of the file.
   */
  #applyFile(
    names: readonly string[],
    options: { all: "autostart" | "running" },
  ): Promise<
    { plan: FreshenPlan; requested: string[]; applied: ConfigApplied | null }
  > {
    return this.#source.withFile((disk) => {
      const requested = requestedNames(disk, {
        names,
        all: options.all,
        states: [...this.#runners.values()].map((r) => [r.name, r.state]),
      });
      const touched = touchedServices(disk, {
        names: requested,
        running: this.#config,
      });
      const plan = planFreshen(this.#config, { disk, touched });
      const applied = appliedSummary(plan, disk.file);
      if (applied === null) return { plan, requested, applied };
      this.#options.log.info("applying the changed config: {summary}", {
        summary: JSON.stringify(applied),
      });
      this.#config = plan.config;
      for (const service of plan.config.services) {
        this.#oneOffs.delete(service.name);
        const runner = this.#runners.get(service.name);
        if (runner) runner.config = service;
        else this.#addRunner(service);
      }
      this.#extras.sync(this.#config.services);
      this.#changed();
      return { plan, requested, applied };
    });
  }

  /** Starts the named services (all autostart ones when none) and their dependencies. */
  async start(
    names: readonly string[],
    options: Partial<Omit<StartRequest, "names">> = {},
  ): Promise<ActionResponse> {
    this.#gate.check(this.#options.paths.root);
    const order = this.#startOrder(names);
    const named = new Set(
      names.length === 0
        ? []
        : expandNames(this.#oneOffs.merged(this.#config), [...names]),
    );
    if (options.wait === false) {
      void this.start(names).catch((error) => this.#logError("start", error));
      return {
        results: order.map((name) => {
          const runner = this.#runner(name);
          const view = this.#view(runner);
          const done = runner.state === "completed" && !named.has(name);
          return runner.state === "running" || done
            ? { name, action: "already-running", service: view }
            : {
              name,
              action: "started",
              service: { ...view, status: "starting" },
            };
        }),
      };
    }
    using _spawning = holdSpawning();
    // Reserved now, so that a stop while a start waits for its
    // dependencies cancels it.
    const tickets = new Map(
      order.map((name) => [name, this.#runner(name).reserveStart()]),
    );
    try {
      const done = new Map<string, ActionResult>();
      const results = await runOrdered(order, {
        before: (name) => this.#runner(name).config.dependsOn,
        proceedOnFailure: true,
        run: async (name): Promise<ActionResult> => {
          const result = await this.#startOne(name, {
            done,
            named,
            ticket: tickets.get(name),
          });
          done.set(name, result);
          return result;
        },
      });
      return { results };
    } finally {
      for (const [name, ticket] of tickets) {
        this.#runners.get(name)?.releaseStart(ticket);
      }
    }
  }

  /** Starts one service; a failure (its own, or a dependency's) is its result. */
  async #startOne(
    name: string,
    options: {
      done: ReadonlyMap<string, ActionResult>;
      named: ReadonlySet<string>;
      ticket: StartTicket | undefined;
    },
  ): Promise<ActionResult> {
    const runner = this.#runner(name);
    const failedDependency = runner.config.dependsOn.find((dependency) =>
      options.done.get(dependency)?.action === "failed"
    );
    if (failedDependency !== undefined) {
      return failedResult(name, {
        service: this.#view(runner),
        error: dependencyFailed(name, failedDependency),
      });
    }
    try {
      // A job that completed is run again only when named.
      const action = runner.state === "completed" && !options.named.has(name)
        ? "already-running"
        : await runner.start({ ticket: options.ticket });
      const result: ActionResult = {
        name,
        action,
        service: this.#view(runner),
      };
      const revivedAt = runner.revivedAt;
      if (action === "already-running" && revivedAt !== null) {
        result.restartedAgoMs = Math.max(0, Date.now() - revivedAt);
      }
      return result;
    } catch (error) {
      return failedResult(name, { service: this.#view(runner), error });
    }
  }

  /**
   * `name` became ready on `port`: restarts the running services that use it
   * and were launched with another port.
   */
  #restartMoved(name: string, port: number | null): void {
    const running = [...this.#runners.values()]
      .filter((runner) => runner.state === "running")
      .map((runner) => runner.config);
    const self = this.#runners.get(name);
    const stale = self ? this.#references.stale(self.config) : null;
    const moved = this.#references.moved(name, { port, running });
    for (const move of stale ? [stale, ...moved] : moved) {
      this.#options.log.info(
        "restarting {service}: {dependency} moved from port {from} to {to}",
        { ...move, service: move.name },
      );
      void this.restart([move.name]).catch((error) =>
        this.#logError(move.name, error)
      );
    }
  }

  /**
   * Stops the named services (all when none), dependents first; `force`
   * SIGKILLs each process group at once. `closing`: a shutdown follows, so
   * starts are refused from now on.
   */
  async stop(
    names: readonly string[],
    options: { force?: boolean | undefined; closing?: boolean } = {},
  ): Promise<ActionResponse> {
    const known = this.#oneOffs.merged(this.#config);
    await this.#source.checkKnown(names, known);
    const force = options.force === true;
    if (options.closing !== true) {
      return await this.#stop(names, { force, known });
    }
    this.#gate.close({ final: false });
    try {
      return await this.#stop(names, { force, known });
    } finally {
      this.#gate.reopenAfter(CLOSING_REOPEN_MS);
    }
  }

  /**
   * The stop itself. Services that depend on a named one and are active
   * stop first too, each result saying which one it depends on.
   */
  async #stop(
    names: readonly string[],
    options: { force: boolean; known: Config },
  ): Promise<ActionResponse> {
    const { known } = options;
    const selected = new Set(
      names.length === 0
        ? this.#runners.keys()
        : expandNames(known, [...names]),
    );
    const dependents = this.#dependents();
    const cascade = activeDependents(selected, {
      dependents,
      isActive: (name) => {
        const state = this.#runners.get(name)?.state;
        return state === "running" || state === "starting" ||
          state === "backoff";
      },
    });
    for (const name of cascade.keys()) selected.add(name);
    const order = dependencyOrder(known, [...selected])
      .filter((name) => selected.has(name))
      .reverse();
    const results = await runOrdered(order, {
      before: (name) => dependents.get(name) ?? [],
      proceedOnFailure: true,
      run: async (name): Promise<ActionResult> => {
        const runner = this.#runner(name);
        const action = await runner.stop({ force: options.force });
        const dependsOn = cascade.get(name);
        const result: ActionResult = {
          name,
          action,
          service: this.#view(runner),
          ...(dependsOn === undefined ? {} : { dependsOn }),
        };
        if (action === "stopped" && runner.killed) result.killed = true;
        return result;
      },
    });
    return { results };
  }

  /** A service's view, with the note of a port moved by "next". */
  #view(runner: ServiceRunner): ServiceStatus {
    let view = runner.view();
    const note = this.#context.ports.moveOf(runner.name);
    const oneOff = this.#oneOffs.has(runner.name) ? { oneOff: true } : {};
    view = withSchedule(view, {
      schedule: runner.config.schedule,
      view: this.#scheduler.view(runner.name),
    });
    return note === null
      ? { ...view, ...oneOff }
      : { ...view, ...oneOff, portNote: note };
  }

  /** For each service, the services that depend on it. */
  #dependents(): Map<string, string[]> {
    const dependents = new Map<string, string[]>();
    for (const runner of this.#runners.values()) {
      for (const dependency of runner.config.dependsOn) {
        const list = dependents.get(dependency);
        if (list) list.push(runner.name);
        else dependents.set(dependency, [runner.name]);
      }
    }
    return dependents;
  }

  /**
   * Stops then starts the named services (all when none). Active services
   * that depend on them are stopped first and started again once they are
   * ready.
   */
  async restart(names: readonly string[]): Promise<ActionResponse> {
    this.#gate.check(this.#options.paths.root);
    const selected = names.length === 0
      ? [...this.#runners.values()].filter((r) => r.state !== "stopped").map((
        r,
      ) => r.name)
      : expandNames(this.#oneOffs.merged(this.#config), [...names]);
    // Nothing runs: a restart of everything starts every autostart service.
    if (selected.length === 0) return await this.start([]);
    const stopped = await this.stop(selected);
    const cascade = new Map<string, string>();
    for (const result of stopped.results) {
      if (result.dependsOn !== undefined && result.action === "stopped") {
        cascade.set(result.name, result.dependsOn);
      }
    }
    const again = [...selected, ...cascade.keys()];
    const started = await this.start(again);
    const results = restartResults(started.results, new Set(again))
      .map((result): ActionResult => {
        const dependsOn = cascade.get(result.name);
        return dependsOn === undefined ? result : { ...result, dependsOn };
      });
    return { results };
  }

  /**
   * `tend run`: adds a one-off service (validated as a tend.toml entry, under
   * a name the file does not have) and starts it. A stopped or failed one of
   * the same name is replaced; a live one is `ALREADY_RUNNING`.
   */
  async runOneOff(request: RunRequest): Promise<ActionResponse> {
    const name = request.name;
    await this.#source.queued(async () => {
      const disk = await this.#options.loadConfig().catch(() => this.#config);
      const existing = this.#runners.get(name);
      const service = await this.#oneOffs.prepare(request, {
        disk,
        running: this.#config,
        existing: existing && { state: existing.state },
      });
      if (existing) existing.config = service;
      else this.#addRunner(service);
      this.#options.log.info("one-off service {service}: {command}", {
        service: name,
        command: [request.command, ...request.args].join(" "),
      });
      this.#changed();
    });
    return await this.start([name]);
  }

  /** Re-reads the config and applies only the difference. */
  reload(): Promise<ReloadResponse> {
    this.#gate.check(this.#options.paths.root);
    return this.#source.queued(() => this.#reload());
  }

  async #reload(): Promise<ReloadResponse> {
    const next = await this.#options.loadConfig();
    const diff = diffServices(this.#config.services, next.services);
    const previous = this.#config;
    this.#config = next;
    this.#options.log.info("reloading config: {summary}", {
      summary: JSON.stringify(diff),
    });
    const results: ActionResult[] = [];
    const removedOrder = dependencyOrder(previous, diff.removed).reverse();
    for (const name of removedOrder) {
      const runner = this.#runners.get(name);
      if (!runner) continue;
      results.push(
        await runner.stop().then(
          (action): ActionResult => ({
            name,
            action,
            service: this.#view(runner),
          }),
          (error) => failedResult(name, { service: this.#view(runner), error }),
        ),
      );
      runner.detach();
      this.#runners.delete(name);
    }
    for (const service of next.services) {
      this.#oneOffs.delete(service.name);
      const runner = this.#runners.get(service.name);
      if (runner) runner.config = service;
      else this.#addRunner(service);
    }
    this.#extras.sync(next.services);
    results.push(...await this.#restartChanged(diff.changed));
    const toStart = diff.added.filter((name) =>
      this.#runner(name).config.autostart
    );
    if (toStart.length > 0) {
      const started = await this.start(toStart);
      const named = new Set(toStart);
      results.push(
        ...started.results.filter((r) =>
          named.has(r.name) || r.action !== "already-running"
        ),
      );
    }
    this.#changed();
    return { ...diff, results };
  }

  /**
   * Ends processes tagged with the workspace that no service tracks, and
   * removes stale files; lists them only with `dryRun`. Every service
   * operation waits meanwhile, so no fresh spawn is mistaken for an orphan.
   */
  cleanup(options: CleanupRequest): Promise<CleanupResponse> {
    return this.#exclusive(async () => {
      const tracked = new Map<string, number>();
      for (const runner of this.#runners.values()) {
        if (runner.trackedPid !== null) {
          tracked.set(runner.name, runner.trackedPid);
        }
      }
      const result = await cleanWorkspace({
        paths: this.#options.paths,
        bootId: this.#options.bootId,
        tracked,
        supervisorLive: true,
        dryRun: options.dryRun,
        graceMs: this.#options.timing.orphanGraceMs,
      });
      for (const orphan of result.orphans) {
        this.#options.log.info("{action} orphan pid {pid} ({command})", {
          action: options.dryRun ? "found" : "ended",
          pid: orphan.pid,
          command: orphan.command,
        });
      }
      return result;
    });
  }

  /** Runs `fn` while every service's operations wait. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const gate = Promise.withResolvers<void>();
    const reached = [...this.#runners.values()].map((runner) => {
      const here = Promise.withResolvers<void>();
      void runner.serialize(() => {
        here.resolve();
        return gate.promise;
      });
      return here.promise;
    });
    try {
      await Promise.all(reached);
      return await fn();
    } finally {
      gate.resolve();
    }
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
  async flushed(): Promise<void> {
    while (this.#saving) await this.#saving;
  }

  /** Restarts the changed services that run; returns what happened to each. */
  async #restartChanged(names: readonly string[]): Promise<ActionResult[]> {
    const running = names.filter((name) => {
      const state = this.#runner(name).state;
      return state === "running" || state === "starting" || state === "backoff";
    });
    if (running.length === 0) return [];
    await this.stop(running).catch((error) => this.#logError("reload", error));
    const started = await this.start(running);
    return restartResults(started.results, new Set(running));
  }

  #startOrder(names: readonly string[]): string[] {
    const known = this.#oneOffs.merged(this.#config);
    const selected = names.length === 0
      ? this.#config.services.filter((s) => s.autostart).map((s) => s.name)
      : expandNames(known, [...names]);
    return dependencyOrder(known, selected);
  }

  #runner(name: string): ServiceRunner {
    const runner = this.#runners.get(name);
    if (!runner) {
      throw new TendError(
        "UNKNOWN_SERVICE",
        `Cannot find service "${name}" in "${this.#config.file}"`,
      );
    }
    return runner;
  }

  #addRunner(service: ServiceConfig): void {
    this.#runners.set(service.name, new ServiceRunner(service, this.#context));
  }

  #changed(): void {
    this.#syncSchedules();
    this.#dirty = true;
    this.#saving ??= this.#flush();
  }

  /**
   * Gives the scheduler every runner's schedule, as the config now says;
   * nothing to do when no runner came, went or got a new config since the
   * last time (most changes are of a state: 100 services stopping made 300
   * calls of 100 runners each).
   */
  #syncSchedules(): void {
    if (this.#schedulesCurrent()) return;
    syncSchedules(this.#scheduler, {
      runners: this.#runners,
      start: (names) => this.start(names),
      restart: (names) => this.restart(names),
    });
    this.#scheduledConfigs = new Map(
      [...this.#runners].map(([name, runner]) => [name, runner.config]),
    );
  }

  /** Whether the scheduler was given the runners and configs of now. */
  #schedulesCurrent(): boolean {
    if (this.#scheduledConfigs.size !== this.#runners.size) return false;
    for (const [name, runner] of this.#runners) {
      if (this.#scheduledConfigs.get(name) !== runner.config) return false;
    }
    return true;
  }

  async #flush(): Promise<void> {
    try {
      // One turn of the event loop first: the writes start after a relaunch
      // due at once has spawned, and a burst of changes (100 services
      // stopping) is written once, not once per change.
      await nextTurn();
      while (this.#dirty) {
        this.#dirty = false;
        const services = Object.fromEntries(
          [...this.#runners.values()].map((r) => [r.name, r.record()]),
        );
        await writeState(this.#options.paths.stateFile, {
          version: 1,
          services,
        })
          .catch((error) => this.#logError("state", error));
      }
    } finally {
      this.#saving = null;
    }
  }

  #logError(subject: string, error: unknown): void {
    this.#options.log.error("{subject}: {error}", {
      subject,
      error: messageOf(error),
    });
  }
}

/** Resolves after the event loop's next turn (its timers phase). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function isActive(runner: ServiceRunner): boolean {
  const state = runner.state;
  return state === "running" || state === "starting" || state === "backoff";
}
