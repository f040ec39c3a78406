// How tend runs itself again: the command line of a supervisor it launches.

/**
 * Permissions of tend when it re-runs itself through `deno run`: Deno 2.9
 * grants reads of /proc (identity, scans) only with --allow-all.
 */
export const PERMISSION_FLAGS = [
  "--allow-all",
];

/**
 * `deno run` flags of the supervisor, a long-lived and mostly idle process:
 *
 * - a 1 MiB young generation (84 → 72 MiB RSS with 100 services, measured)
 *   and V8's lite mode (no optimizing compiler, feedback allocated lazily:
 *   63 → 57 MiB with 100 services; the supervisor runs little code, and none
 *   of it hot);
 * - no code cache. Deno's cache is shared by every `deno run`, and V8
 *   rejects code cached under flags that shape code (lite mode does; heap
 *   sizes do not): the supervisor and the CLI that launched it recompiled
 *   and re-cached every module they share, each undoing the other. Measured
 *   to the service's exec on a cold `tend start`, alternated, 10 runs each:
 *   207 ms with the cache, 190 ms without it. Without lite mode (and with the
 *   cache) it was 166 ms, but 4 to 6 MiB heavier with 100 services, above
 *   PM2's daemon: a daemon's memory lasts, a cold start happens once.
 *
 * A compiled tend runs the CLI and the supervisor with the same flags
 * (`deno task compile` builds them in) and its own code cache.
 */
export const SUPERVISOR_RUN_FLAGS: readonly string[] = [
  "--no-code-cache",
  "--v8-flags=--max-semi-space-size=1,--lite-mode",
];

/** The path of a `file:` URL (POSIX). */
function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/**
 * The command line that runs this same tend with `args`; `runFlags` are
 * flags of `deno run` (none in a compiled tend, which has its own built in).
 */
export function selfCommand(
  args: readonly string[],
  options: { runFlags?: readonly string[] } = {},
): { command: string; args: string[] } {
  if (Deno.build.standalone) {
    return { command: Deno.execPath(), args: [...args] };
  }
  const main = new URL("../../main.ts", import.meta.url);
  // Run from a URL (`deno install -g … https://…/main.ts`), tend needs no
  // config: src/ names its packages by full npm: specifiers. No config then,
  // rather than whatever deno.json the workspace holds.
  const config = main.protocol === "file:"
    ? ["--config", fromFileUrl(new URL("../../deno.json", import.meta.url))]
    : ["--no-config"];
  return {
    command: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      ...PERMISSION_FLAGS,
      ...(options.runFlags ?? []),
      ...config,
      main.protocol === "file:" ? fromFileUrl(main) : main.href,
      ...args,
    ],
  };
}
