import {
  relativeTo,
  watchMatcher,
  watchRoots,
  type WatchSpec,
} from "./watch_match.ts";

/** The file-system events that are a change (not `access`, not `other`). */
const CHANGE_KINDS: ReadonlySet<Deno.FsEvent["kind"]> = new Set([
  "create",
  "modify",
  "remove",
  "rename",
]);

/** Options of {@linkcode FileWatch}. */
export interface FileWatchOptions {
  /** Quiet time after the last change before `onChange` is called. */
  debounceMs: number;
  /** Called once per burst with the changed files (relative to `cwd`, first first). */
  onChange(files: string[]): void;
  /** Hears a watcher that fails (e.g. a root directory removed). */
  onError(error: unknown): void;
}

/**
 * Watches the files of one service with `Deno.watchFs` (inotify on Linux,
 * FSEvents on macOS: no polling). It watches directories, not files, so an
 * editor that saves by writing a temporary file and renaming it over the
 * original is seen as a change of the original. Changes are debounced: a
 * burst gives one `onChange` once it has been quiet for `debounceMs`.
 */
export class FileWatch implements Disposable {
  #watcher: Deno.FsWatcher | null = null;
  #pending: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #spec: WatchSpec;
  #options: FileWatchOptions;

  constructor(spec: WatchSpec, options: FileWatchOptions) {
    this.#spec = spec;
    this.#options = options;
    const matches = watchMatcher(spec);
    try {
      this.#watcher = Deno.watchFs(existingRoots(spec), { recursive: true });
    } catch (error) {
      options.onError(error);
      return;
    }
    void this.#listen(this.#watcher, matches);
  }

  async #listen(
    watcher: Deno.FsWatcher,
    matches: (path: string) => boolean,
  ): Promise<void> {
    try {
      for await (const event of watcher) {
        if (!CHANGE_KINDS.has(event.kind)) continue;
        const changed = event.paths.filter(matches);
        if (event.kind === "create" && changed.length === 0) {
          // A new directory may have got its files before the watcher
          // watched it: they count as changed.
          // One at a time: a spread of a huge listing overflows the stack.
          for (const file of await filesIn(event.paths, matches)) {
            changed.push(file);
          }
        }
        if (changed.length > 0) this.#noted(changed);
      }
    } catch (error) {
      if (this.#watcher !== null) this.#options.onError(error);
    }
  }

  #noted(paths: string[]): void {
    for (const path of paths) {
      const relative = relativeTo(this.#spec.cwd, path) ?? path;
      if (!this.#pending.includes(relative)) this.#pending.push(relative);
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const files = this.#pending;
      this.#pending = [];
      this.#options.onChange(files);
    }, this.#options.debounceMs);
  }

  /** Stops watching; a pending burst is dropped. */
  [Symbol.dispose](): void {
    clearTimeout(this.#timer);
    const watcher = this.#watcher;
    this.#watcher = null;
    watcher?.close();
  }
}

/**
 * The roots that exist: a root not created yet is watched from its nearest
 * existing parent inside the working directory.
 */
function existingRoots(spec: WatchSpec): string[] {
  const roots = watchRoots(spec).map((root) => {
    let dir = root;
    while (dir !== spec.cwd && !isDirectory(dir)) {
      dir = dir.slice(0, dir.lastIndexOf("/"));
    }
    return dir;
  });
  return [...new Set(roots)];
}

/** Most entries read from a directory created under a watch. */
const NEW_DIRECTORY_MAX_ENTRIES = 1_000;

/** The matching files in the directories among `paths` (bounded walk). */
async function filesIn(
  paths: readonly string[],
  matches: (path: string) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  const queue = [...paths];
  let budget = NEW_DIRECTORY_MAX_ENTRIES;
  while (queue.length > 0 && budget > 0) {
    const dir = queue.shift()!;
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (--budget < 0) break;
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory) queue.push(path);
        else if (matches(path)) found.push(path);
      }
    } catch {
      // Not a directory, or gone already.
    }
  }
  return found;
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
