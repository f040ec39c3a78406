// How tend runs itself again: the command line of a supervisor it launches.

/**
 * Permissions of tend when it re-runs itself through `deno run`: Deno 2.9
 * grants reads of /proc (identity, scans) only with --allow-all.
 */
export const PERMISSION_FLAGS = [
  "--allow-all",
];

/**
 * The V8 flags of the supervisor, a long-lived and mostly idle process: a
 * 1 MiB young generation (84 → 72 MiB RSS with 100 services, measured),
 * V8's lite mode (no optimizing compiler, feedback allocated lazily: 63 → 57
 * MiB with 100 services; the supervisor runs little code, and none of it
 * hot), and V8's linear-time regexp engine for a match that backtracks too
 * much: a `ready = { log = "^(a+)+$" }` pattern against a line of 42 a's
 * and a b stalled the supervisor's one thread for good; it now fails in 2
 * ms. (Patterns with backreferences or lookarounds cannot fall back.)
 * `deno task tend` and the install command of the README run the CLI with
 * the same flags, and a compiled tend has them built in.
 */
export const SUPERVISOR_V8_FLAGS =
  "--max-semi-space-size=1,--lite-mode,--enable-experimental-regexp-engine-on-excessive-backtracks";

/**
 * `deno run` flags of the supervisor that this CLI launches: its V8 flags,
 * and no code cache unless this CLI runs with the very same V8 flags.
 * Deno's code cache is shared by every `deno run`, and V8 rejects code
 * cached under flags that shape code (lite mode does; heap sizes do not):
 * a CLI without lite mode and the supervisor it launched recompiled and
 * re-cached every module they share, each undoing the other (a cold `tend
 * start` took 207 ms with the cache against 190 without it, measured). With
 * the same flags they share it (10 to 30 ms off a cold start, measured:
 * BENCHMARKS.md, "Cold start, fifth round").
 */
export function supervisorRunFlags(): string[] {
  const v8 = `--v8-flags=${SUPERVISOR_V8_FLAGS}`;
  return sharesCodeCache(ownDenoFlags(), Deno.env.get("DENO_V8_FLAGS"))
    ? [v8]
    : ["--no-code-cache", v8];
}

/**
 * Whether a CLI run with `denoFlags` (the flags of its `deno run`) and
 * `DENO_V8_FLAGS` set to `envFlags` runs V8 as the supervisor does: exactly
 * one `--v8-flags=` with the supervisor's flags, in any order, and nothing
 * from the environment.
 */
export function sharesCodeCache(
  denoFlags: readonly string[],
  envFlags: string | undefined,
): boolean {
  if (envFlags !== undefined && envFlags !== "") return false;
  const given = denoFlags.filter((flag) => flag.startsWith("--v8-flags"));
  if (given.length !== 1 || !given[0]!.startsWith("--v8-flags=")) return false;
  const set = (text: string) => [...new Set(text.split(","))].sort().join(",");
  return set(given[0]!.slice("--v8-flags=".length)) ===
    set(SUPERVISOR_V8_FLAGS);
}

/**
 * The flags this process's `deno run` was given (its command line before
 * the script and tend's own arguments); none where that cannot be read.
 */
function ownDenoFlags(): string[] {
  try {
    const line = new TextDecoder().decode(
      Deno.readFileSync("/proc/self/cmdline"),
    ).split("\0");
    if (line.at(-1) === "") line.pop();
    // The executable, `run` (or not), its flags, the script, then tend's
    // own arguments.
    return line.slice(1, line.length - Deno.args.length - 1);
  } catch {
    return [];
  }
}

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
