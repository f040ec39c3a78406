/**
 * The text of a config file as a TOML document, and the error that names
 * the file: shared by load.ts and validate.ts.
 */
import { parse as parseToml, TomlError } from "npm:smol-toml@1.9.1";
import { TendError } from "../errors.ts";

/** Options of `parseConfig` and `parseConfigText`. */
export interface ParseConfigOptions {
  /** The file the text came from (absolute), for messages. */
  file: string;
  /** The workspace root (absolute); relative paths start here. */
  workspace: string;
}

/** The TOML document of `text`; `CONFIG_INVALID` naming where it is not TOML. */
export function parseTomlText(text: string, file: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]?.replace(
      /^Invalid TOML document: /,
      "",
    );
    throw invalid(
      file,
      `invalid TOML at line ${error.line}, column ${error.column}: ${reason}`,
      { cause: error },
    );
  }
}

/** The `CONFIG_INVALID` error of a config file. */
export function invalid(
  file: string,
  message: string,
  options: { hint?: string | undefined; cause: unknown },
): TendError {
  return new TendError(
    "CONFIG_INVALID",
    `Cannot load config "${file}": ${message}`,
    options,
  );
}
