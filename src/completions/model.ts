import type { OptionSpec } from "../commands/_parse_args.ts";
import type { CommandInfo } from "../commands/command.ts";

/** What completion needs of a command: its name and its help data. */
export type CompletableCommand = CommandInfo & { readonly name: string };

/** What a command's free arguments are: service names, fixed words, or nothing. */
export type Positionals = "services" | readonly string[] | null;

/** One command as completion scripts see it. */
export interface CompletionCommand {
  name: string;
  summary: string;
  /** `--name` and `-x` spellings of its own options. */
  options: string[];
  positionals: Positionals;
}

/** Everything a completion script completes. */
export interface CompletionModel {
  commands: CompletionCommand[];
  /** Spellings of the global options. */
  globals: string[];
  /** Options whose value is a directory. */
  dirOptions: string[];
  /** Options whose value is a file. */
  fileOptions: string[];
  /** Other options that take a value (nothing to offer for it). */
  valueOptions: string[];
}

/** Commands whose arguments are service names. */
const SERVICE_COMMANDS = new Set([
  "start",
  "stop",
  "restart",
  "status",
  "logs",
]);

/** Commands whose first argument is one of a few words. */
const WORD_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  service: ["install", "uninstall", "status"],
  export: ["systemd", "compose"],
  completions: ["bash", "zsh", "fish"],
};

const DIR_OPTIONS = new Set(["workspace", "out", "unit-dir"]);
const FILE_OPTIONS = new Set(["config"]);

/**
 * The completion model of the command registry: the visible commands with
 * their options, and which options take directories, files or other values.
 *
 * @example
 * ```ts
 * import { commands } from "../commands/mod.ts";
 * import { GLOBAL_OPTIONS } from "../commands/command.ts";
 * completionModel(commands, GLOBAL_OPTIONS).globals.includes("--json"); // true
 * ```
 */
export function completionModel(
  registry: ReadonlyMap<string, CompletableCommand>,
  globals: Readonly<Record<string, OptionSpec>>,
): CompletionModel {
  const visible = [...registry.values()].filter((c) => !c.hidden);
  const all: Record<string, OptionSpec> = { ...globals };
  for (const command of visible) Object.assign(all, command.options);
  const valued = Object.entries(all).filter(([, spec]) =>
    spec.type === "string"
  );
  const spell = (names: (name: string) => boolean) =>
    valued.filter(([name]) => names(name)).flatMap(([name, spec]) =>
      spellings(name, spec)
    );
  return {
    commands: visible.map((command) => ({
      name: command.name,
      summary: command.summary,
      options: Object.entries(command.options).flatMap(([name, spec]) =>
        spellings(name, spec)
      ),
      positionals: SERVICE_COMMANDS.has(command.name)
        ? "services"
        : WORD_ARGUMENTS[command.name] ?? null,
    })),
    globals: [
      ...Object.entries(globals).flatMap(([name, spec]) =>
        spellings(name, spec)
      ),
      "--version",
    ],
    dirOptions: spell((name) => DIR_OPTIONS.has(name)),
    fileOptions: spell((name) => FILE_OPTIONS.has(name)),
    valueOptions: spell((name) =>
      !DIR_OPTIONS.has(name) && !FILE_OPTIONS.has(name)
    ),
  };
}

function spellings(name: string, spec: OptionSpec): string[] {
  return spec.short ? [`--${name}`, `-${spec.short}`] : [`--${name}`];
}
