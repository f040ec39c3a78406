import { TendError } from "../errors.ts";

/** What an unquoted word of an `ExecStart=` line may hold. */
const PLAIN_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

/**
 * One argument of an `Exec*=` line: `%` doubled (systemd specifiers), `$`
 * doubled (no variable expansion), and double-quoted with C escapes when it
 * holds anything but plain characters.
 *
 * @example
 * ```ts
 * execArg("a b"); // "\"a b\""
 * execArg("50%"); // "\"50%%\""
 * ```
 */
export function execArg(arg: string): string {
  singleLine(arg, "a command argument");
  if (arg !== "" && PLAIN_WORD.test(arg)) return arg;
  const escaped = arg
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\t", "\\t")
    .replaceAll("%", "%%")
    .replaceAll("$", "$$$$");
  return `"${escaped}"`;
}

/** A whole `Exec*=` value: each argument escaped, joined by spaces. */
export function execLine(argv: readonly string[]): string {
  return argv.map(execArg).join(" ");
}

/**
 * A value for a path setting (`WorkingDirectory=`, `append:`): absolute,
 * one line, `%` doubled.
 */
export function pathValue(path: string): string {
  singleLine(path, "a path");
  if (!path.startsWith("/")) {
    throw new TendError(
      "CONFIG_INVALID",
      `Cannot write "${path}" into a systemd unit: the path is not absolute`,
    );
  }
  return path.replaceAll("%", "%%");
}

/**
 * One `Environment=` assignment, double-quoted so that spaces, quotes and
 * backslashes survive; `%` doubled.
 *
 * @example
 * ```ts
 * environmentValue("GREETING", 'say "hi"'); // "\"GREETING=say \\\"hi\\\"\""
 * ```
 */
export function environmentValue(name: string, value: string): string {
  singleLine(`${name}=${value}`, "an environment variable");
  const text = `${name}=${value}`
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("%", "%%");
  return `"${text}"`;
}

/** Free text for `Description=`: one line, `%` doubled. */
export function textValue(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replaceAll("%", "%%");
}

function singleLine(value: string, what: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new TendError(
      "CONFIG_INVALID",
      `Cannot write ${what} into a systemd unit: ${
        JSON.stringify(value.slice(0, 40))
      } spans several lines`,
    );
  }
}

/** Renders `[Section]` blocks of `key=value` lines; `undefined` values are left out. */
export function renderUnit(
  sections: ReadonlyArray<
    readonly [string, ReadonlyArray<readonly [string, string | undefined]>]
  >,
  options: { header?: string } = {},
): string {
  const blocks = sections.map(([name, entries]) =>
    [
      `[${name}]`,
      ...entries.flatMap(([key, value]) =>
        value === undefined ? [] : [`${key}=${value}`]
      ),
    ].join("\n")
  );
  const header = options.header ? `${options.header}\n` : "";
  return `${header}${blocks.join("\n\n")}\n`;
}
