import { ArgvError, type OptionSpec, parseArgv } from "./_parse_args.ts";
import { TendError } from "../errors.ts";
import type { Output } from "../output/output.ts";
import type { Timing } from "../timing.ts";

/** Options every command accepts, before or after its name. */
export const GLOBAL_OPTIONS = {
  workspace: { type: "string", short: "C" },
  config: { type: "string", short: "c" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, OptionSpec>;

/** The global options, parsed. */
export interface GlobalOptions {
  workspace: string | undefined;
  config: string | undefined;
  json: boolean;
  quiet: boolean;
  noColor: boolean;
}

/** What a command may touch: everything else reaches it through here. */
export interface Context {
  /** The directory tend was run from. */
  readonly cwd: string;
  readonly globals: GlobalOptions;
  readonly out: Output;
  /** The fixed waits (`TEND_TIMING`, read once in `main.ts`). */
  readonly timing: Timing;
}

/** What the registry knows of one subcommand, before its code is loaded. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** `tend start [NAME...] [--no-wait]` and a few lines of detail. */
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Left out of `tend --help`. */
  readonly hidden?: boolean;
  /** Loads the command's code. */
  load(): Promise<CommandModule>;
}

/** A command's code: `src/commands/<name>.ts` exports `run`. */
export interface CommandModule {
  run(ctx: Context, args: ParsedArgs): Promise<number>;
}

/** The result of {@linkcode parseCommandArgs}. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments strictly, with the global options mixed in;
 * a bad flag is a `USAGE` error.
 */
export function parseCommandArgs(
  command: Pick<CommandSpec, "name" | "options">,
  argv: readonly string[],
): ParsedArgs {
  try {
    return parseArgv(argv, { ...GLOBAL_OPTIONS, ...command.options });
  } catch (error) {
    if (!(error instanceof ArgvError)) throw error;
    throw new TendError(
      "USAGE",
      `Cannot run "tend ${command.name}": ${error.message}`,
      { hint: `See "tend ${command.name} --help"` },
    );
  }
}

/** Reads the global options out of parsed values. */
export function globalsOf(values: ParsedArgs["values"]): GlobalOptions {
  return {
    workspace: typeof values.workspace === "string"
      ? values.workspace
      : undefined,
    config: typeof values.config === "string" ? values.config : undefined,
    json: values.json === true,
    quiet: values.quiet === true,
    noColor: values["no-color"] === true,
  };
}

/** Parses a non-negative integer flag value. */
export function parseCount(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^[0-9]{1,9}$/.test(text)) {
    throw new TendError(
      "USAGE",
      `Cannot use ${flag} "${text}": expected a whole number`,
    );
  }
  return Number(text);
}
