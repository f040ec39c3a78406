import { dirname, resolve } from "../_path.ts";
import { lazyImport } from "../_lazy.ts";
import {
  readRegularFile,
  type RegularFileRead,
  USER_FILE_MAX_BYTES,
} from "../_regular_file.ts";
import { TendError } from "../errors.ts";
import { invalid, type ParseConfigOptions, parseTomlText } from "./_toml.ts";
import { quickConfig } from "./quick.ts";
import { resolveConfig } from "./resolve.ts";
import type { Config } from "./schema.ts";

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
  return await parseConfig(text, { file: path, workspace });
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
    const config = await parseConfig(text, { file: path, workspace });
    last = { text, config };
    return config;
  };
}

/**
 * Parses the text of a config file: validated without zod when it plainly
 * is valid (quick.ts), else by the zod schemas (validate.ts, imported on
 * demand), which name what is wrong. Either way the same config.
 */
export async function parseConfig(
  text: string,
  options: ParseConfigOptions,
): Promise<Config> {
  const doc = parseTomlText(text, options.file);
  const quick = quickConfig(doc);
  if (quick !== null) {
    return resolveConfig(quick, {
      file: options.file,
      root: options.workspace,
    });
  }
  const { validateDoc } = await lazyImport<typeof import("./validate.ts")>(
    new URL("./validate.ts", import.meta.url),
  );
  return await validateDoc(doc, options);
}

async function readConfigText(path: string): Promise<string> {
  let read: RegularFileRead;
  try {
    read = await readRegularFile(path, { maxBytes: USER_FILE_MAX_BYTES });
  } catch (error) {
    throw readError(path, error);
  }
  if ("refused" in read) {
    throw invalid(path, read.refused, { cause: undefined });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
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
