import type { Config, ServiceConfig } from "../config/schema.ts";
import { dependencyOrder, expandNames } from "../config/services.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import type {
  ActionResponse,
  ActionResult,
  CleanupRequest,
  CleanupResponse,
  ConfigApplied,
  ReloadResponse,
  ServiceStatus,
  StartRequest,
  StatusResponse,
} from "../ipc/protocol.ts";
import { VERSION } from "../version.ts";
import { diffServices } from "./diff.ts";
import type { Log } from "./log.ts";
import { type RunnerContext, ServiceRunner } from "./service_runner.ts";
import type { Ticker } from "./ticker.ts";
import { logInvalidTransition, realRunnerIo } from "./runner_io.ts";
import { writeState } from "../workspace/state_file.ts";
import { runOrdered } from "./ordered.ts";
import { PortLedger } from "./port_ledger.ts";
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
import { ServiceExtras } from "./service_extras.ts";

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
  /** Watches, hooks and memory limits. */
  #extras: ServiceExtras;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#source = new ConfigSource(options.loadConfig);
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
      ports: new PortLedger({ log: options.log }),
      changed: () => this.#changed(),
      ticker: options.ticker,
      io: realRunnerIo,
      onInvalidTransition: logInvalidTransition(options.log),
      onServiceEvent: this.#extras.onServiceEvent,
    };
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
    const { plan, requested, applied } = await this.#applyFile(names, {
      all: "autostart",
    });
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
    const { applied } = await this.#applyFile(names, { all: "running" });
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
    const order = this.#startOrder(names);
    if (options.wait === false) {
      void this.start(names).catch((error) => this.#logError("start", error));
      return {
        results: order.map((name) => {
          const runner = this.#runner(name);
          const view = this.#view(runner);
          return runner.state === "running"
            ? { name, action: "already-running", service: view }
            : {
              name,
              action: "started",
              service: { ...view, status: "starting" },
            };
        }),
      };
    }
    const results = await runOrdered(order, {
      before: (name) => this.#runner(name).config.dependsOn,
      run: async (name): Promise<ActionResult> => {
        const runner = this.#runner(name);
        const action = await runner.start();
        return { name, action, service: this.#view(runner) };
      },
    });
    return { results };
  }

  /**
   * Stops the named services (all when none), dependents first; `force`
   * SIGKILLs each process group at once.
   */
  async stop(
    names: readonly string[],
    options: { force?: boolean } = {},
  ): Promise<ActionResponse> {
    await this.#source.checkKnown(names, this.#config);
    const selected = new Set(
      names.length === 0
        ? this.#runners.keys()
        : expandNames(this.#config, [...names]),
    );
    const order = dependencyOrder(this.#config, [...selected])
      .filter((name) => selected.has(name))
      .reverse();
    const dependents = this.#dependents();
    const results = await runOrdered(order, {
      before: (name) => dependents.get(name) ?? [],
      proceedOnFailure: true,
      run: async (name): Promise<ActionResult> => {
        const runner = this.#runner(name);
        const action = await runner.stop({ force: options.force === true });
        return { name, action, service: this.#view(runner) };
      },
    });
    return { results };
  }

  /** A service's view, with the note of a port moved by "next". */
  #view(runner: ServiceRunner): ServiceStatus {
    const view = runner.view();
    const note = this.#context.ports.moveOf(runner.name);
    return note === null ? view : { ...view, portNote: note };
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

  /** Stops then starts the named services (all when none). */
  async restart(names: readonly string[]): Promise<ActionResponse> {
    const selected = names.length === 0
      ? [...this.#runners.values()].filter((r) => r.state !== "stopped").map((
        r,
      ) => r.name)
      : expandNames(this.#config, [...names]);
    await this.stop(selected);
    const started = await this.start(selected);
    const named = new Set(selected);
    const results = started.results.filter((r) => named.has(r.name))
      .map((result): ActionResult => ({ ...result, action: "restarted" }));
    return { results };
  }

  /** Re-reads the config and applies only the difference. */
  reload(): Promise<ReloadResponse> {
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
    const removedOrder = dependencyOrder(previous, diff.removed).reverse();
    for (const name of removedOrder) {
      const runner = this.#runners.get(name);
      if (!runner) continue;
      await runner.stop().catch((error) => this.#logError(name, error));
      runner.detach();
      this.#runners.delete(name);
    }
    for (const service of next.services) {
      const runner = this.#runners.get(service.name);
      if (runner) runner.config = service;
      else this.#addRunner(service);
    }
    this.#extras.sync(next.services);
    await this.#restartChanged(diff.changed);
    const toStart = diff.added.filter((name) =>
      this.#runner(name).config.autostart
    );
    if (toStart.length > 0) {
      await this.start(toStart).catch((error) =>
        this.#logError("reload", error)
      );
    }
    this.#changed();
    return diff;
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
    await this.stop([]);
  }

  /** Saves state and stops timers, leaving services running. */
  async detach(): Promise<void> {
    await this.#extras.close();
    for (const runner of this.#runners.values()) runner.detach();
    this.#changed();
    await this.flushed();
  }

  /** Resolves when state.json reflects every change so far. */
  async flushed(): Promise<void> {
    while (this.#saving) await this.#saving;
  }

  async #restartChanged(names: readonly string[]): Promise<void> {
    const running = names.filter((name) => {
      const state = this.#runner(name).state;
      return state === "running" || state === "starting" || state === "backoff";
    });
    if (running.length === 0) return;
    await this.stop(running).catch((error) => this.#logError("reload", error));
    await this.start(running).catch((error) => this.#logError("reload", error));
  }

  #startOrder(names: readonly string[]): string[] {
    const selected = names.length === 0
      ? this.#config.services.filter((s) => s.autostart).map((s) => s.name)
      : expandNames(this.#config, [...names]);
    return dependencyOrder(this.#config, selected);
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
    this.#dirty = true;
    this.#saving ??= this.#flush();
  }

  async #flush(): Promise<void> {
    try {
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
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

function isActive(runner: ServiceRunner): boolean {
  const state = runner.state;
  return state === "running" || state === "starting" || state === "backoff";
}
