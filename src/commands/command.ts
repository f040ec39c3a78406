import type { parseArgs } from "node:util";
import { ArgvError, type OptionSpec, parseArgv } from "./_parse_args.ts";
import { TendError } from "../errors.ts";
import type { Output } from "../output/output.ts";
import type { Timing } from "../timing.ts";

/** A command's options by long name, declared `as const` so they read typed. */
export type OptionsTable = Readonly<Record<string, OptionSpec>>;

/** Options every command accepts, before or after its name. */
export const GLOBAL_OPTIONS = {
  workspace: { type: "string", short: "C" },
  config: { type: "string", short: "c" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionsTable;

/**
 * The arguments of a command with options `O`, typed by `node:util`
 * `parseArgs`' own types (a type-only import: nothing of `node:util` loads):
 * a boolean option reads `boolean | undefined`, a string option
 * `string | undefined`, and an option not in the table does not compile.
 */
export type Args<O extends OptionsTable> = ReturnType<
  typeof parseArgs<{
    options: typeof GLOBAL_OPTIONS & O;
    strict: true;
    allowPositionals: true;
  }>
>;

/** Arguments parsed for a command whose options are not known statically. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

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

/** A command's code, typed by its options: `src/commands/<name>.ts` exports `run`. */
export type Run<O extends OptionsTable> = (
  ctx: Context,
  args: Args<O>,
) => Promise<number>;

/** What a command says of itself, before its code is loaded. */
export interface CommandInfo<O extends OptionsTable = OptionsTable> {
  readonly summary: string;
  /** `tend start [NAME...] [--no-wait]` and a few lines of detail. */
  readonly usage: string;
  readonly options: O;
  /**
   * Takes arguments after its options (`NAME...`, a verb, a shell); others
   * reject any.
   */
  readonly takesNames?: boolean;
  /** Left out of `tend --help`. */
  readonly hidden?: boolean;
  /**
   * The process ends as soon as the command returns: a supervisor it ran may
   * leave timers and watchers behind that must not keep tend alive.
   */
  readonly forceExit?: boolean;
  /**
   * May launch a supervisor: one is launched on standby before the
   * command's code loads, when none runs (`src/client/standby.ts`).
   */
  readonly prelaunch?: boolean;
}

/** What the registry knows of one subcommand; its code loads only when it runs. */
export interface CommandSpec extends CommandInfo {
  readonly name: string;
  /** Loads the command's code, ready to run arguments parsed against {@linkcode CommandInfo.options}. */
  load(): Promise<(ctx: Context, args: ParsedArgs) => Promise<number>>;
}

/**
 * Declares a command: its name, help, options table and the loader of its
 * code, whose `run` must take exactly the arguments that table parses to.
 */
export function defineCommand<const O extends OptionsTable>(
  name: string,
  info: CommandInfo<O> & { load(): Promise<{ run: Run<O> }> },
): CommandSpec {
  const { load, ...rest } = info;
  return {
    ...rest,
    name,
    load: async () => {
      const { run } = await load();
      // The dispatcher parsed these arguments against `info.options`.
      return (ctx, args) => run(ctx, args as Args<O>);
    },
  };
}

/**
 * Parses a command's arguments strictly, with the global options mixed in;
 * a bad flag is a `USAGE` error.
 */
export function parseCommandArgs<const O extends OptionsTable>(
  command: {
    readonly name: string;
    readonly options: O;
    readonly takesNames?: boolean;
  },
  argv: readonly string[],
): Args<O> {
  let parsed: Args<O>;
  try {
    parsed = parseArgv(argv, { ...GLOBAL_OPTIONS, ...command.options }) as Args<
      O
    >;
  } catch (error) {
    if (!(error instanceof ArgvError)) throw error;
    throw new TendError(
      "USAGE",
      `Cannot run "tend ${command.name}": ${error.message}`,
      { hint: `See "tend ${command.name} --help"` },
    );
  }
  const extra = parsed.positionals[0];
  if (extra !== undefined && command.takesNames !== true) {
    throw new TendError(
      "USAGE",
      `Cannot run "tend ${command.name}": unexpected argument "${extra}"`,
      { hint: `See "tend ${command.name} --help"` },
    );
  }
  return parsed;
}

/** Reads the global options out of parsed values. */
export function globalsOf(
  values: Partial<Args<Record<never, never>>["values"]>,
): GlobalOptions {
  return {
    workspace: values.workspace,
    config: values.config,
    json: values.json === true,
    quiet: values.quiet === true,
    noColor: values["no-color"] === true,
  };
}

/** Parses a non-negative integer flag value. */
export function parseCount(
  value: string | undefined,
  flag: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(value)) {
    throw new TendError(
      "USAGE",
      `Cannot use ${flag} "${value}": expected a whole number`,
    );
  }
  return Number(value);
}
