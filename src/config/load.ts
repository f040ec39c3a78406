import { dirname, resolve } from "../_path.ts";
import { parse as parseToml, TomlError } from "npm:smol-toml@1.9.1";
import { TendError } from "../errors.ts";
import { formatIssue, pickIssue } from "./_format_issue.ts";
import { resolveConfig } from "./resolve.ts";
import { type Config, configSchema } from "./schema.ts";

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** The workspace root; relative paths in the config start here. Default: the file's directory. */
  workspace?: string | undefined;
}

/**
 * Reads, validates and normalises a `tend.toml` (or mi7soft-daemon
 * `daemon.toml`). Throws a `CONFIG_INVALID` {@linkcode TendError} naming the
 * file, the field and what was expected, or `PERMISSION_DENIED` when the file
 * cannot be read. Needs read permission for `file`.
 *
 * @example
 * ```ts
 * const config = await loadConfig("tend.toml");
 * config.services.map((service) => service.name);
 * ```
 */
export async function loadConfig(
  file: string,
  options: LoadConfigOptions = {},
): Promise<Config> {
  const path = resolve(file);
  const text = await readConfigText(path);
  const workspace = resolve(options.workspace ?? dirname(path));
  return parseConfigText(text, { file: path, workspace });
}

/**
 * A loader of one config file, as {@linkcode loadConfig}, that parses again
 * only when the file's text changed: the supervisor reads its file at every
 * `status`, `start` and `restart`. Needs read permission for `file`.
 *
 * @example
 * ```ts
 * const load = configFileLoader("tend.toml", { workspace: "." });
 * const config = await load();
 * ```
 */
export function configFileLoader(
  file: string,
  options: LoadConfigOptions = {},
): () => Promise<Config> {
  const path = resolve(file);
  const workspace = resolve(options.workspace ?? dirname(path));
  let last: { text: string; config: Config } | null = null;
  return async () => {
    const text = await readConfigText(path);
    if (last !== null && last.text === text) return last.config;
    const config = parseConfigText(text, { file: path, workspace });
    last = { text, config };
    return config;
  };
}

/** Options of {@linkcode parseConfigText}. */
export interface ParseConfigOptions {
  /** The file the text came from (absolute), for messages. */
  file: string;
  /** The workspace root (absolute); relative paths start here. */
  workspace: string;
}

/**
 * Parses the text of a config file: the pure part of {@linkcode loadConfig}.
 *
 * @example
 * ```ts
 * const config = parseConfigText('[[processes]]\nname = "web"\ncommand = "x"', {
 *   file: "/srv/app/tend.toml",
 *   workspace: "/srv/app",
 * });
 * config.services[0]?.cwd; // "/srv/app"
 * ```
 */
export function parseConfigText(
  text: string,
  options: ParseConfigOptions,
): Config {
  const doc = parseTomlText(text, options.file);
  const result = configSchema.safeParse(doc, { reportInput: true });
  if (!result.success) {
    const issue = pickIssue(result.error.issues);
    const { message, hint } = issue
      ? formatIssue(issue, doc)
      : { message: "not a valid config", hint: undefined };
    throw invalid(options.file, message, { hint, cause: result.error });
  }
  return resolveConfig(result.data, {
    file: options.file,
    root: options.workspace,
  });
}

function parseTomlText(text: string, file: string): unknown {
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

async function readConfigText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw readError(path, error);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw invalid(path, "not valid UTF-8 text", { cause: error });
  }
}

function readError(path: string, error: unknown): unknown {
  if (error instanceof Deno.errors.NotFound) {
    return invalid(path, "file not found", { cause: error });
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return invalid(path, "is a directory", { cause: error });
  }
  if (
    error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.NotCapable
  ) {
    return new TendError(
      "PERMISSION_DENIED",
      `Cannot load config "${path}": permission denied`,
      { cause: error },
    );
  }
  return error;
}

function invalid(
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
