import {
  commandHelp,
  commands,
  helpText,
  suggest,
} from "./src/commands/mod.ts";
import {
  type CommandSpec,
  type Context,
  globalsOf,
  parseCommandArgs,
} from "./src/commands/command.ts";
import {
  EXIT_CODES,
  EXIT_INTERNAL,
  messageOf,
  TendError,
} from "./src/errors.ts";
import { colorWanted, Output } from "./src/output/output.ts";
import { lazyImport } from "./src/_lazy.ts";
import { timingFromEnv } from "./src/timing.ts";
import { VERSION } from "./src/version.ts";

/** Global options that take a value, so their value is not the command name. */
const VALUE_OPTIONS = new Set(["-C", "--workspace", "-c", "--config"]);

/** What the arguments ask for, decided before anything runs. */
export type Invocation =
  | { kind: "print"; text: string }
  | { kind: "run"; command: CommandSpec; argv: string[] };

/**
 * Reads which command `args` name and the arguments it gets (the global
 * options before the name included); throws `USAGE` when there is none.
 */
export function invocationOf(args: readonly string[]): Invocation {
  const at = commandIndex(args);
  if (at === -1) {
    if (args.includes("--version")) {
      return { kind: "print", text: `tend ${VERSION}` };
    }
    if (args.length === 0 || args.includes("-h") || args.includes("--help")) {
      return { kind: "print", text: helpText() };
    }
    throw new TendError("USAGE", "Cannot run tend: no command given", {
      hint: 'See "tend --help"',
    });
  }
  const name = args[at]!;
  if (name === "help") {
    const command = commands.get(args[at + 1] ?? "");
    return { kind: "print", text: command ? commandHelp(command) : helpText() };
  }
  const command = commands.get(name);
  if (!command) {
    const guess = suggest(name);
    throw new TendError("USAGE", `Cannot run "tend ${name}": no such command`, {
      hint: guess ? `Did you mean "tend ${guess}"?` : 'See "tend --help"',
    });
  }
  return {
    kind: "run",
    command,
    argv: [...args.slice(0, at), ...args.slice(at + 1)],
  };
}

/** Runs what {@linkcode invocationOf} read and returns the exit status. */
export async function execute(
  invocation: Invocation,
  out: Output,
): Promise<number> {
  if (invocation.kind === "print") return out.data(invocation.text), 0;
  const { command, argv } = invocation;
  const parsed = parseCommandArgs(command, argv);
  if (parsed.values.help === true) return out.data(commandHelp(command)), 0;
  const globals = globalsOf(parsed.values);
  const ctx: Context = {
    cwd: Deno.cwd(),
    globals,
    out: new Output({
      json: globals.json,
      quiet: globals.quiet || globals.json,
      color: colorWanted(globals),
    }),
    timing: timingFromEnv((name) => Deno.env.get(name)),
  };
  await using _standby = command.prelaunch ? await standbyFor(ctx) : null;
  const run = await command.load();
  return await run(ctx, parsed);
}

/** A supervisor launched on standby for `ctx`'s workspace (`src/client/standby.ts`). */
async function standbyFor(ctx: Context): Promise<AsyncDisposable> {
  const { launchStandby } = await lazyImport<
    typeof import("./src/client/standby.ts")
  >(new URL("./src/client/standby.ts", import.meta.url));
  return await launchStandby(ctx);
}

/** Runs tend with `args` and returns the exit status. */
export async function main(
  args: readonly string[],
  out: Output,
): Promise<number> {
  return await execute(invocationOf(args), out);
}

function commandIndex(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith("-")) return i;
  }
  return -1;
}

/** Prints `error` for people (or as JSON) and returns its exit status. */
function report(error: unknown, out: Output, debug: boolean): number {
  if (error instanceof TendError) {
    const detail = debug && error.stack
      ? `${error.stack}\ncause: ${String(error.cause)}`
      : undefined;
    out.error(error, detail);
    return EXIT_CODES[error.code];
  }
  const text = error instanceof Error
    ? error.stack ?? error.message
    : String(error);
  out.error({
    code: "INTERNAL",
    message: `tend failed unexpectedly (a bug): ${messageOf(error)}`,
  }, text);
  return EXIT_INTERNAL;
}

if (import.meta.main) {
  const args = Deno.args;
  const json = args.includes("--json");
  const out = new Output({
    json,
    quiet: json || args.includes("--quiet") || args.includes("-q"),
    color: colorWanted({ noColor: args.includes("--no-color") }),
  });
  let invocation: Invocation | undefined;
  try {
    invocation = invocationOf(args);
    Deno.exitCode = await execute(invocation, out);
  } catch (error) {
    Deno.exitCode = report(error, out, Deno.env.get("TEND_DEBUG") === "1");
  }
  if (invocation?.kind === "run" && invocation.command.forceExit) Deno.exit();
}
