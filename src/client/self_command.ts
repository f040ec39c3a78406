// How tend runs itself again: the command line of a supervisor it launches.

/**
 * Permissions of tend when it re-runs itself through `deno run`: Deno 2.9
 * grants reads of /proc (identity, scans) only with --allow-all.
 */
export const PERMISSION_FLAGS = [
  "--allow-all",
];

/**
 * V8 flags of the supervisor, a long-lived and mostly idle process: a 1 MiB
 * young generation (84 → 72 MiB RSS with 100 services, measured).
 *
 * Not `--lite-mode` here, though it saves about 4 MiB with 100 services:
 * V8 rejects code cached under other flags that shape code, and Deno's code
 * cache is shared by every `deno run`. A supervisor with flags of its own
 * recompiled and re-cached every module it shares with the CLI that launched
 * it, and the next CLI did the same: 40 ms of a cold `tend start` (170 → 130
 * ms to the service's exec, measured). Heap sizes are not part of that
 * check. A compiled tend runs the CLI and the supervisor with the same flags
 * (`deno task compile` builds `--lite-mode` in), so it keeps both.
 */
export const SUPERVISOR_V8_FLAGS = "--max-semi-space-size=1";

/** The path of a `file:` URL (POSIX). */
function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

/** The command line that runs this same tend with `args`. */
export function selfCommand(
  args: readonly string[],
  options: { v8Flags?: string } = {},
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
      ...(options.v8Flags ? [`--v8-flags=${options.v8Flags}`] : []),
      ...config,
      main.protocol === "file:" ? fromFileUrl(main) : main.href,
      ...args,
    ],
  };
}
