/**
 * A strict command-line parser with the semantics of `node:util` `parseArgs`
 * (`strict: true`, `allowPositionals: true`) for the option kinds tend uses:
 * booleans and single strings, long and short names, `--name=value`, `-n 5`,
 * `-n5`, grouped short booleans (`-qd`), and `--` ending the options.
 *
 * It exists because importing any `node:` module costs about 11 ms of
 * start-up (node-compat setup, measured), and `tend status` must start fast.
 */

/** One option: a boolean flag or a string value, with an optional short name. */
export interface OptionSpec {
  type: "boolean" | "string";
  short?: string;
}

/** What {@linkcode parseArgv} found. */
export interface ParsedArgv {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Why an argument list was rejected; the message reads as one sentence. */
export class ArgvError extends Error {
  override readonly name = "ArgvError";
}

/** Parses `argv` against `options`; unknown options and misuse throw {@linkcode ArgvError}. */
export function parseArgv(
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): ParsedArgv {
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.short) shorts.set(spec.short, name);
  }
  const values: ParsedArgv["values"] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      i += readLong(arg, { next: argv[i + 1], options, values });
    } else if (arg.startsWith("-") && arg.length > 1) {
      i += readShorts(arg, { next: argv[i + 1], options, shorts, values });
    } else {
      positionals.push(arg);
    }
  }
  return { values, positionals };
}

interface ReadContext {
  next: string | undefined;
  options: Readonly<Record<string, OptionSpec>>;
  values: ParsedArgv["values"];
}

/** Reads `--name`, `--name=value` or `--name value`; returns the extra args used. */
function readLong(arg: string, ctx: ReadContext): number {
  const eq = arg.indexOf("=");
  const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
  const spec = ctx.options[name];
  if (!spec) throw new ArgvError(`Unknown option "--${name}"`);
  if (spec.type === "boolean") {
    if (eq !== -1) {
      throw new ArgvError(`Option "--${name}" does not take a value`);
    }
    ctx.values[name] = true;
    return 0;
  }
  if (eq !== -1) {
    ctx.values[name] = arg.slice(eq + 1);
    return 0;
  }
  ctx.values[name] = valueOf(`--${name}`, ctx.next);
  return 1;
}

/** Reads `-q`, `-qd`, `-n 5` or `-n5`; returns the extra args used. */
function readShorts(
  arg: string,
  ctx: ReadContext & { shorts: ReadonlyMap<string, string> },
): number {
  for (let j = 1; j < arg.length; j++) {
    const name = ctx.shorts.get(arg[j]!);
    if (!name) throw new ArgvError(`Unknown option "-${arg[j]}"`);
    if (ctx.options[name]!.type === "boolean") {
      ctx.values[name] = true;
      continue;
    }
    const rest = arg.slice(j + 1);
    if (rest !== "") {
      ctx.values[name] = rest;
      return 0;
    }
    ctx.values[name] = valueOf(`-${arg[j]}`, ctx.next);
    return 1;
  }
  return 0;
}

function valueOf(flag: string, next: string | undefined): string {
  if (next === undefined || (next.startsWith("-") && next !== "-")) {
    throw new ArgvError(`Option "${flag}" needs a value`);
  }
  return next;
}
