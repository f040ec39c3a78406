import { writeState } from "../workspace/state_file.ts";
import type { ServiceRunner } from "./service_runner.ts";

/** What a {@linkcode StateSaver} writes, and where. */
export interface StateSaverOptions {
  /** The path of state.json. */
  stateFile: string;
  /** The runners whose records it holds. */
  runners: ReadonlyMap<string, ServiceRunner>;
  /** Hears a failed write. */
  onError(error: unknown): void;
}

/**
 * Writes state.json after changes: one write at a time, a burst of changes
 * once, and always the records of the last change.
 */
export class StateSaver {
  #options: StateSaverOptions;
  #dirty = false;
  #saving: Promise<void> | null = null;

  constructor(options: StateSaverOptions) {
    this.#options = options;
  }

  /** Something worth persisting changed: a write follows. */
  changed(): void {
    this.#dirty = true;
    this.#saving ??= this.#flush();
  }

  /** Resolves when state.json reflects every change so far. */
  async flushed(): Promise<void> {
    while (this.#saving) await this.#saving;
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
          [...this.#options.runners.values()].map((r) => [r.name, r.record()]),
        );
        await writeState(this.#options.stateFile, {
          version: 1,
          services,
        })
          .catch((error) => this.#options.onError(error));
      }
    } finally {
      this.#saving = null;
    }
  }
}

/** Resolves after the event loop's next turn (its timers phase). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
