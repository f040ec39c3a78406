import { messageOf } from "../errors.ts";
import { lazyImport } from "../_lazy.ts";
import type { ServiceConfig } from "../config/schema.ts";
import type { Log } from "./log.ts";
import type { FileWatch } from "./file_watch.ts";
import type { WatchSpec } from "./watch_match.ts";

interface Entry {
  key: string;
  /** null until the watcher's module (and its glob library) is loaded. */
  watch: FileWatch | null;
}

/** The file watches of every watched service of a supervisor. */
export class ServiceWatches implements Disposable {
  #watches = new Map<string, Entry>();
  #log: Log;
  #onChange: (service: string, files: string[]) => void;

  constructor(options: {
    log: Log;
    onChange(service: string, files: string[]): void;
  }) {
    this.#log = options.log;
    this.#onChange = options.onChange;
  }

  /** Starts, changes or ends watches so that they follow `services`. */
  sync(services: readonly ServiceConfig[]): void {
    const wanted = new Map(
      services.filter((s) => s.watch.length > 0).map((s) => [s.name, s]),
    );
    for (const [name, entry] of this.#watches) {
      const service = wanted.get(name);
      if (service && keyOf(service) === entry.key) continue;
      entry.watch?.[Symbol.dispose]();
      this.#watches.delete(name);
    }
    for (const [name, service] of wanted) {
      if (!this.#watches.has(name)) this.#start(service);
    }
  }

  /**
   * Starts the watch of `service`. The watcher's module is loaded on first
   * use, so a supervisor without watched services never loads the glob
   * library (it costs start-up time).
   */
  #start(service: ServiceConfig): void {
    const name = service.name;
    const entry: Entry = { key: keyOf(service), watch: null };
    this.#watches.set(name, entry);
    const onError = (error: unknown) =>
      this.#log.error("cannot watch the files of {service}: {error}", {
        service: name,
        error: messageOf(error),
      });
    lazyImport<typeof import("./file_watch.ts")>(
      new URL("./file_watch.ts", import.meta.url),
    ).then(({ FileWatch }) => {
      if (this.#watches.get(name) !== entry) return; // ended meanwhile
      entry.watch = new FileWatch(specOf(service), {
        debounceMs: service.watchDebounceMs,
        onChange: (files) => this.#onChange(name, files),
        onError,
      });
    }, onError);
  }

  /** Ends every watch. */
  [Symbol.dispose](): void {
    for (const { watch } of this.#watches.values()) watch?.[Symbol.dispose]();
    this.#watches.clear();
  }
}

function specOf(service: ServiceConfig): WatchSpec {
  return {
    cwd: service.cwd,
    patterns: service.watch,
    ignore: service.watchIgnore,
  };
}

function keyOf(service: ServiceConfig): string {
  return JSON.stringify([specOf(service), service.watchDebounceMs]);
}

/** `src/a.ts changed`, `src/a.ts and 49 more files changed`. */
export function describeChange(files: readonly string[]): string {
  const [first = "a file"] = files;
  const more = files.length - 1;
  if (more <= 0) return `${first} changed`;
  return `${first} and ${more} more file${more === 1 ? "" : "s"} changed`;
}
