import {
  commandHelp,
  commands,
  helpText,
  suggest,
} from "./src/commands/mod.ts";
import {
  type Context,
  globalsOf,
  parseCommandArgs,
} from "./src/commands/command.ts";
import { EXIT_CODES, EXIT_INTERNAL, TendError } from "./src/errors.ts";
import { colorWanted, Output } from "./src/output/output.ts";
import { timingFromEnv } from "./src/timing.ts";
import { VERSION } from "./src/version.ts";

/** Global options that take a value, so their value is not the command name. */
const VALUE_OPTIONS = new Set(["-C", "--workspace", "-c", "--config"]);

/** Runs tend with `args` and returns the exit status. */
export async function main(
  args: readonly string[],
  out: Output,
): Promise<number> {
  const at = commandIndex(args);
  if (at === -1) {
    if (args.includes("--version")) return out.data(`tend ${VERSION}`), 0;
    if (args.length === 0 || args.includes("-h") || args.includes("--help")) {
      return out.data(helpText()), 0;
    }
    throw new TendError("USAGE", "Cannot run tend: no command given", {
      hint: 'See "tend --help"',
    });
  }
  const name = args[at]!;
  const command = name === "help"
    ? commands.get(args[at + 1] ?? "")
    : commands.get(name);
  if (name === "help") {
    return out.data(command ? commandHelp(command) : helpText()), 0;
  }
  if (!command) {
    const guess = suggest(name);
    throw new TendError("USAGE", `Cannot run "tend ${name}": no such command`, {
      hint: guess ? `Did you mean "tend ${guess}"?` : 'See "tend --help"',
    });
  }
  const argv = [...args.slice(0, at), ...args.slice(at + 1)];
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
  const { run } = await command.load();
  return await run(ctx, parsed);
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
    message: `tend failed unexpectedly (a bug): ${
      error instanceof Error ? error.message : String(error)
    }`,
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
  try {
    Deno.exitCode = await main(args, out);
  } catch (error) {
    Deno.exitCode = report(error, out, Deno.env.get("TEND_DEBUG") === "1");
  }
  if (args.some((a) => a === "up" || a === "__supervise")) Deno.exit();
}
