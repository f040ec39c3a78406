// @deno-types="npm:@types/picomatch@4.0.3"
import picomatch from "npm:picomatch@4.0.7";
import { join } from "../_path.ts";

/** Directories never watched, wherever they are: tend's state, VCS, packages. */
export const DEFAULT_WATCH_IGNORE: readonly string[] = [
  ".git",
  "node_modules",
  ".tend",
];

/** What one service watches. */
export interface WatchSpec {
  /** The service's working directory (absolute): patterns are relative to it. */
  cwd: string;
  /** Globs of the files whose change restarts the service. */
  patterns: readonly string[];
  /** Globs never watched, besides {@linkcode DEFAULT_WATCH_IGNORE}. */
  ignore: readonly string[];
}

/**
 * Whether a change of `path` (absolute) concerns a service: it lies under the
 * working directory, matches a pattern, and neither it nor a directory above
 * it matches an ignore pattern (so `node_modules` ignores everything under
 * any `node_modules`). Dot files match like others (`dot`), which is why
 * `.git` and `.tend` are ignored by default.
 *
 * @example
 * ```ts
 * const matches = watchMatcher({ cwd: "/app", patterns: ["src/**"], ignore: [] });
 * matches("/app/src/main.ts"); // true
 * matches("/app/src/node_modules/x.ts"); // false
 * ```
 */
export function watchMatcher(spec: WatchSpec): (path: string) => boolean {
  const options = { dot: true };
  const wanted = picomatch([...spec.patterns], options);
  const ignored = picomatch(
    [...DEFAULT_WATCH_IGNORE, ...spec.ignore].flatMap((glob) => [
      glob,
      `**/${glob}`,
    ]),
    options,
  );
  return (path) => {
    const relative = relativeTo(spec.cwd, path);
    if (relative === null || !wanted(relative)) return false;
    return !prefixes(relative).some((prefix) => ignored(prefix));
  };
}

/**
 * The directories to hand the file watcher: the fixed start of each pattern
 * (`src` for `src/**\/*.ts`), the working directory for a pattern that starts
 * with a wildcard; nested ones left out.
 *
 * @example
 * ```ts
 * watchRoots({ cwd: "/app", patterns: ["src/**", "src/a/*.ts", "*.json"], ignore: [] });
 * // ["/app"]
 * ```
 */
export function watchRoots(spec: WatchSpec): string[] {
  const roots = [
    ...new Set(
      spec.patterns.map((glob) => join(spec.cwd, picomatch.scan(glob).base)),
    ),
  ].sort();
  return roots.filter((root) =>
    !roots.some((other) => other !== root && isInside(root, other))
  );
}

/** `path` relative to `dir`, or null when it is not below it. */
export function relativeTo(dir: string, path: string): string | null {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : null;
}

function isInside(path: string, dir: string): boolean {
  return relativeTo(dir, path) !== null;
}

/** `a`, `a/b`, `a/b/c` for `a/b/c`. */
function prefixes(relative: string): string[] {
  const parts = relative.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
