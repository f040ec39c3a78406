import type { Config, ServiceConfig } from "../config/schema.ts";
import { dependencyOrder, expandNames } from "../config/services.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
import type {
  ActionResponse,
  ActionResult,
  CleanupRequest,
  CleanupResponse,
  ReloadResponse,
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
  /** Re-reads the config (for reload). */
  loadConfig(): Promise<Config>;
  /** The shared tick of periodic checks. */
  ticker: Ticker;
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

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#context = {
      paths: options.paths,
      bootId: options.bootId,
      log: options.log,
      baseEnv: options.baseEnv,
      ports: new PortLedger(),
      changed: () => this.#changed(),
      ticker: options.ticker,
      io: realRunnerIo,
      onInvalidTransition: logInvalidTransition(options.log),
    };
    for (const service of this.#config.services) this.#addRunner(service);
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
    const views = [...this.#runners.values()].map((runner) => runner.view());
    return {
      workspace: this.#options.paths.root,
      supervisor: {
        status: "running",
        pid: Deno.pid,
        startedAt: this.startedAt.toISOString(),
        version: VERSION,
      },
      services: await addUsage(views, this.#sampler),
    };
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
          const view = runner.view();
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
    const done = new Map<string, ActionResult>();
    const results = await runOrdered(order, {
      before: (name) => this.#runner(name).config.dependsOn,
      proceedOnFailure: true,
      run: async (name): Promise<ActionResult> => {
        const result = await this.#startOne(name, done);
        done.set(name, result);
        return result;
      },
    });
    return { results };
  }

  /** Starts one service; a failure (its own, or a dependency's) is its result. */
  async #startOne(
    name: string,
    done: ReadonlyMap<string, ActionResult>,
  ): Promise<ActionResult> {
    const runner = this.#runner(name);
    const failedDependency = runner.config.dependsOn.find((dependency) =>
      done.get(dependency)?.action === "failed"
    );
    if (failedDependency !== undefined) {
      return failedResult(name, {
        service: runner.view(),
        error: dependencyFailed(name, failedDependency),
      });
    }
    try {
      const action = await runner.start();
      const result: ActionResult = { name, action, service: runner.view() };
      const revivedAt = runner.revivedAt;
      if (action === "already-running" && revivedAt !== null) {
        result.restartedAgoMs = Math.max(0, Date.now() - revivedAt);
      }
      return result;
    } catch (error) {
      return failedResult(name, { service: runner.view(), error });
    }
  }

  /** Stops the named services (all when none), dependents first. */
  async stop(names: readonly string[]): Promise<ActionResponse> {
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
        const action = await runner.stop();
        const result: ActionResult = { name, action, service: runner.view() };
        if (action === "stopped" && runner.killed) result.killed = true;
        return result;
      },
    });
    return { results };
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
    // Nothing runs: a restart of everything starts every autostart service.
    if (selected.length === 0) return await this.start([]);
    await this.stop(selected);
    const started = await this.start(selected);
    return { results: restartResults(started.results, new Set(selected)) };
  }

  /** Re-reads the config and applies only the difference. */
  async reload(): Promise<ReloadResponse> {
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
          (action): ActionResult => ({ name, action, service: runner.view() }),
          (error) => failedResult(name, { service: runner.view(), error }),
        ),
      );
      runner.detach();
      this.#runners.delete(name);
    }
    for (const service of next.services) {
      const runner = this.#runners.get(service.name);
      if (runner) runner.config = service;
      else this.#addRunner(service);
    }
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
