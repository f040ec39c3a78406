import { messageOf } from "../errors.ts";
import type { ServiceConfig } from "../config/schema.ts";
import { HookRunner, type ServiceEvent } from "./hooks.ts";
import type { Log } from "./log.ts";
import { MemoryGuard } from "./memory_guard.ts";
import type { ServiceRunner } from "./service_runner.ts";
import type { Ticker } from "./ticker.ts";
import { describeChange, ServiceWatches } from "./watch.ts";

/** What {@linkcode ServiceExtras} is built from. */
export interface ServiceExtrasOptions {
  log: Log;
  /** The environment services (and so hooks) start from. */
  baseEnv: Readonly<Record<string, string>>;
  /** The workspace root. */
  root: string;
  /** The shared tick of periodic checks (memory). */
  ticker: Pick<Ticker, "every">;
  /** The runner of a service, if the supervisor has one. */
  runner(name: string): ServiceRunner | undefined;
}

/**
 * What a supervisor does for its services besides running them: file
 * watches (`watch`), hooks (`on_ready`…) and memory limits (`max_memory`).
 * The supervisor calls {@linkcode sync} whenever its config changes, hands
 * {@linkcode onServiceEvent} to its runners, and {@linkcode close}s it when
 * it exits.
 */
export class ServiceExtras {
  #watches: ServiceWatches;
  #hooks: HookRunner;
  #memory: MemoryGuard;

  constructor(options: ServiceExtrasOptions) {
    const { log, runner } = options;
    this.#hooks = new HookRunner(options);
    this.#watches = new ServiceWatches({
      log,
      onChange: (name, files) => {
        runner(name)?.restartFor(describeChange(files), { freshBudget: true })
          .catch((error) => logError(log, { name, error }));
      },
    });
    this.#memory = new MemoryGuard({
      ticker: options.ticker,
      log,
      lookup: (name) => {
        const found = runner(name);
        return found && {
          runningPid: () => found.state === "running" ? found.trackedPid : null,
          restart: (cause) => found.restartFor(cause),
        };
      },
    });
  }

  /** Runs the hook of what happened to a service (a runner's `onServiceEvent`). */
  readonly onServiceEvent = (
    service: ServiceConfig,
    event: ServiceEvent,
  ): void => this.#hooks.run(service, event);

  /** Follows the services of the config in force. */
  sync(services: readonly ServiceConfig[]): void {
    this.#watches.sync(services);
    this.#memory.sync(services);
  }

  /** Ends watches and checks, then waits for the hooks still running. */
  async close(): Promise<void> {
    this.#watches[Symbol.dispose]();
    this.#memory[Symbol.dispose]();
    await this.#hooks.settled(); // each ends by its hook_timeout at the latest
  }
}

function logError(log: Log, failure: { name: string; error: unknown }): void {
  const { name, error } = failure;
  log.error("{service}: {error}", {
    service: name,
    error: messageOf(error),
  });
}
