import type { Config } from "../config/schema.ts";
import { TendError } from "../errors.ts";
import type { ConfigDrift } from "../ipc/protocol.ts";
import { configDrift, isKnown, unknownToSupervisor } from "./freshen.ts";
import { SerialQueue } from "./serial_queue.ts";

/**
 * The supervisor's config file: its reads, and the one queue under which a
 * read and its application run (start, restart and reload), so that what
 * runs is always the newest read of the file (see freshen.ts).
 */
export class ConfigSource {
  #load: () => Promise<Config>;
  #queue = new SerialQueue();

  constructor(load: () => Promise<Config>) {
    this.#load = load;
  }

  /** Runs `apply` with the file as it is now, after every earlier one. */
  withFile<T>(apply: (disk: Config) => T | Promise<T>): Promise<T> {
    return this.#queue.run(async () => await apply(await this.#load()));
  }

  /** Runs `op` (which reads the file itself) after every earlier one. */
  queued<T>(op: () => Promise<T>): Promise<T> {
    return this.#queue.run(op);
  }

  /** How the file differs from `running`; `null` when it does not. */
  async drift(running: Config): Promise<ConfigDrift | null> {
    try {
      return configDrift(running, await this.#load());
    } catch (error) {
      if (!(error instanceof TendError)) throw error;
      return {
        file: running.file,
        added: [],
        removed: [],
        changed: [],
        error: error.message,
      };
    }
  }

  /** Throws `UNKNOWN_SERVICE` for a name that `running` does not list. */
  async checkKnown(names: readonly string[], running: Config): Promise<void> {
    const unknown = names.find((name) => !isKnown(running, name));
    if (unknown === undefined) return;
    const disk = await this.#load().catch(() => null);
    throw unknownToSupervisor(unknown, { running, disk });
  }
}
