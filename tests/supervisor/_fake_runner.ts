import type { ServiceConfig } from "../../src/config/schema.ts";
import { workspacePaths } from "../../src/config/paths.ts";
import type { Identity } from "../../src/proc/identity.ts";
import type { ExitStatus, SpawnedProcess } from "../../src/proc/spawn.ts";
import type { LaunchOutcome } from "../../src/supervisor/launch.ts";
import { PortLedger } from "../../src/supervisor/port_ledger.ts";
import type { RunnerIo } from "../../src/supervisor/runner_io.ts";
import { ServiceRunner } from "../../src/supervisor/service_runner.ts";
import type { InvalidTransition } from "../../src/supervisor/transition.ts";
import type { ServiceEvent } from "../../src/supervisor/hooks.ts";

/** A service config with the fields a runner reads; `web`, on-failure. */
export function fakeService(
  overrides: Partial<ServiceConfig> = {},
): ServiceConfig {
  return {
    name: "web",
    fingerprint: "f1",
    port: null,
    restart: "on-failure",
    successExitCodes: [0],
    restartDelayMs: 100,
    restartDelayMaxMs: 1_000,
    minUptimeMs: 1_000,
    maxRestarts: 5,
    restartWindowMs: 60_000,
    readyTimeoutMs: 5_000,
    stopSignal: "SIGTERM",
    stopTimeoutMs: 1_000,
    checkIntervalMs: 3_000,
    dependsOn: [],
    ...overrides,
  } as unknown as ServiceConfig;
}

/** A process whose exit the test decides. */
export class FakeProcess implements SpawnedProcess {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  alive = true;
  #resolve: (exit: ExitStatus) => void;

  constructor(pid: number) {
    this.pid = pid;
    const { promise, resolve } = Promise.withResolvers<ExitStatus>();
    this.exited = promise;
    this.#resolve = resolve;
  }

  /** Ends the process (once). */
  exit(status: ExitStatus): void {
    if (!this.alive) return;
    this.alive = false;
    this.#resolve(status);
  }

  unref(): void {}
}

/** One launch in progress: the test says how it ends. */
export class FakeLaunch {
  readonly child: FakeProcess;
  #resolve: (outcome: LaunchOutcome) => void;

  constructor(child: FakeProcess, resolve: (outcome: LaunchOutcome) => void) {
    this.child = child;
    this.#resolve = resolve;
  }

  /** The readiness check passes. */
  ready(): void {
    this.#resolve({ kind: "ready", pid: this.child.pid });
  }

  /** The child exits before it is ready (the launch sees it). */
  exit(exit: ExitStatus): void {
    this.child.exit(exit);
    this.#resolve({ kind: "exited-log", exit, logTail: "boom" });
  }

  /** A job's child exits with a success code (the launch sees it). */
  complete(exit: ExitStatus = { code: 0, signal: null }): void {
    this.child.exit(exit);
    this.#resolve({ kind: "completed", pid: this.child.pid, exit });
  }

  /** `ready_timeout` passes. */
  timeout(): void {
    this.#resolve({ kind: "timeout", logTail: "" });
  }
}

/**
 * The world of a runner, faked: clock, timers, ticker, processes, PID files
 * and log. Invalid transitions throw and are kept in `invalid`.
 */
export class FakeWorld {
  now = 1_000_000;
  readonly paths = workspacePaths("/fake/workspace");
  readonly pidFiles = new Map<string, number>();
  readonly processes = new Map<number, FakeProcess>();
  readonly endedGroups: number[] = [];
  readonly invalid: InvalidTransition[] = [];
  readonly logs: string[] = [];
  /** What the runners told their supervisor (for hooks). */
  readonly events: ServiceEvent[] = [];
  /** Whether ending a group ends its process (false: it ignores signals). */
  endGroupKills = true;
  /** Set to make the next launch throw before spawning. */
  launchError: Error | null = null;
  /**
   * Set to hold background removals of PID files until it resolves (the
   * file goes then); a removal `now` is never held.
   */
  removalsHeld: Promise<void> | null = null;
  #nextPid = 100;
  #timers: { at: number; callback: () => void; live: boolean }[] = [];
  #ticks = new Set<() => void>();
  #launches: FakeLaunch[] = [];
  #waiters: ((launch: FakeLaunch) => void)[] = [];

  /** A runner of `service` in this world. */
  runner(service: ServiceConfig = fakeService()): ServiceRunner {
    const log = (level: string) => (message: string) =>
      this.logs.push(`${level} ${message}`);
    return new ServiceRunner(service, {
      paths: this.paths,
      bootId: "boot",
      log: { info: log("info"), warn: log("warn"), error: log("error") },
      baseEnv: {},
      ports: new PortLedger(),
      changed() {},
      ticker: {
        every: (_ms, callback) => {
          this.#ticks.add(callback);
          return () => this.#ticks.delete(callback);
        },
      },
      io: this.#io(),
      onInvalidTransition: (invalid) => {
        this.invalid.push(invalid);
        throw new Error(
          `invalid transition: ${invalid.event} in ${invalid.state}`,
        );
      },
      onServiceEvent: (_service, event) => this.events.push(event),
    });
  }

  /** A live process that is not our child (for adoption). */
  stranger(): Identity {
    const process = new FakeProcess(this.#nextPid++);
    this.processes.set(process.pid, process);
    return { pid: process.pid, startTicks: 1, bootId: "boot" };
  }

  /** The next launch, once its process is spawned. */
  nextLaunch(): Promise<FakeLaunch> {
    const launch = this.#launches.shift();
    if (launch) return Promise.resolve(launch);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Moves the clock on and fires the timers due. */
  advance(ms: number): void {
    this.now += ms;
    for (const timer of this.#timers) {
      if (timer.live && timer.at <= this.now) {
        timer.live = false;
        timer.callback();
      }
    }
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => t.live).length;
  }

  /** Runs the periodic checks once. */
  tick(): void {
    for (const callback of [...this.#ticks]) callback();
  }

  /** Lets every pending promise chain and queued runner operation run. */
  async settle(runner: ServiceRunner): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await runner.serialize(() => Promise.resolve());
    }
  }

  #io(): RunnerIo {
    return {
      now: () => this.now,
      setTimer: (ms, callback) => {
        const timer = { at: this.now + ms, callback, live: true };
        this.#timers.push(timer);
        return () => {
          timer.live = false;
        };
      },
      launch: async (_service, context) => {
        if (this.launchError) throw this.launchError;
        const child = new FakeProcess(this.#nextPid++);
        this.processes.set(child.pid, child);
        const outcome = Promise.withResolvers<LaunchOutcome>();
        await context.onSpawn(child, context.port);
        const cancel = () => outcome.resolve({ kind: "cancelled" });
        if (context.signal?.aborted) cancel();
        context.signal?.addEventListener("abort", cancel, { once: true });
        const launch = new FakeLaunch(child, outcome.resolve);
        const waiter = this.#waiters.shift();
        if (waiter) waiter(launch);
        else this.#launches.push(launch);
        return outcome.promise;
      },
      endGroup: (identity, options) => {
        this.endedGroups.push(identity.pid);
        const process = this.processes.get(identity.pid);
        if (this.endGroupKills) {
          process?.exit({ code: null, signal: String(options.signal) });
        }
        return Promise.resolve({ escalated: false });
      },
      readIdentity: (pid, bootId) =>
        Promise.resolve({ pid, startTicks: 1, bootId }),
      identityMatches: (identity) =>
        Promise.resolve(this.processes.get(identity.pid)?.alive ?? false),
      identityMatchesNow: (identity) =>
        this.processes.get(identity.pid)?.alive ?? false,
      writePidFile: (path, pid) => {
        this.pidFiles.set(path, pid);
        return Promise.resolve();
      },
      removePidFile: (path, options) => {
        const held = options?.now === true ? null : this.removalsHeld;
        if (held === null) return Promise.resolve(this.pidFiles.delete(path));
        return held.then(() => this.pidFiles.delete(path));
      },
    };
  }
}

/**
 * Lets promise chains run until `done()`: for a state reached while a user's
 * start still holds the runner's queue (its retries before readiness).
 */
export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (!done()) throw new Error("the condition never held");
}
