import { lazyImport } from "../_lazy.ts";
import { readRegularFile, USER_FILE_MAX_BYTES } from "../_regular_file.ts";
import { dirname, join, resolve } from "../_path.ts";
import {
  ensurePrivateDir,
  readOwnFile,
  writeAtomic,
} from "../fence/safe_file.ts";
import { VERSION } from "../version.ts";
import type { Config } from "./schema.ts";

/**
 * The last config a tend validated, with the exact text it came from:
 * `.tend/run/config.json`. The supervisor and the CLI take the config from
 * here when the text is still the file's text, so they do not load the
 * validator (zod and the TOML parser: 16 MiB of a supervisor's RSS, 40 to
 * 50 ms of a CLI's start). Any other case (no cache, another text, another
 * version of tend or of Deno, a damaged file) loads and validates the file
 * as before.
 */
interface CheckedConfig {
  tend: string;
  /**
   * {@linkcode configDigest} of `config`: a file edited or damaged into
   * other JSON that still holds the text is not taken (it is not a defence
   * against someone who means it: `tend.toml` is theirs to edit anyway).
   */
  digest: string;
  /** Deno's version: time zones are checked against its ICU data. */
  deno: string;
  file: string;
  workspace: string;
  text: string;
  config: Config;
}

/** Largest cache read (a config of 1000 services is about 1 MB here). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** Options of {@linkcode loadCheckedConfig} and {@linkcode validateConfig}. */
export interface CheckedConfigOptions {
  /** The workspace root (relative paths start here). */
  workspace: string;
  /** The workspace's run directory, which holds `config.json`. */
  runDir: string;
  /**
   * Whether the cache's digest is checked. The supervisor does not check it
   * (`checkedConfigLoader`): the CLI that launched it, or asked it to reload,
   * has just checked it or written the file, and WebCrypto is 1 MiB of a
   * supervisor's RSS (measured). @default {true}
   */
  checkDigest?: boolean;
}

/** Where the checked config of a run directory lives. */
export function checkedConfigFile(runDir: string): string {
  return join(runDir, "config.json");
}

/**
 * The config of `file`: from the cache when it was validated from the same
 * text by this version of tend, else validated now (and cached).
 */
export async function loadCheckedConfig(
  file: string,
  options: CheckedConfigOptions,
): Promise<Config> {
  const path = resolve(file);
  const text = await readText(path);
  return (text === null ? null : await fittingCache(path, text, options)) ??
    await validateText(path, text, options);
}

/**
 * The config of `file` from the cache when it was validated from the
 * file's present text by this version of tend on this Deno; `null`
 * otherwise. Reads only: nothing is written.
 */
export async function cachedConfig(
  file: string,
  options: CheckedConfigOptions,
): Promise<Config | null> {
  const path = resolve(file);
  const text = await readText(path);
  return text === null ? null : await fittingCache(path, text, options);
}

/**
 * A loader of one config file, as {@linkcode loadCheckedConfig}, that keeps
 * the last config in memory and reads nothing more than the file while its
 * text is unchanged: the supervisor reads its file at every `status`,
 * `start`, `restart`, `up` and reload, and never loads the validator for a
 * text the CLI has checked. It takes the cache without checking its digest
 * (see `checkDigest`).
 */
export function checkedConfigLoader(
  file: string,
  options: CheckedConfigOptions,
): () => Promise<Config> {
  const path = resolve(file);
  const trusting = { ...options, checkDigest: false };
  let last: { text: string; config: Config } | null = null;
  return async () => {
    const text = await readText(path);
    if (text === null) return await validateText(path, text, trusting);
    if (last !== null && last.text === text) return last.config;
    // The config of this very text: remembered as such.
    const config = await fittingCache(path, text, trusting) ??
      await validateText(path, text, trusting);
    last = { text, config };
    return config;
  };
}

/**
 * Loads and validates `file` with the full loader (imported on demand), and
 * caches the result for the supervisor. Errors are the loader's.
 */
export async function validateConfig(
  file: string,
  options: CheckedConfigOptions,
): Promise<Config> {
  const path = resolve(file);
  return await validateText(path, await readText(path), options);
}

/** The cache's config when it holds `text`, read from `path`, as it is now. */
async function fittingCache(
  path: string,
  text: string,
  options: CheckedConfigOptions,
): Promise<Config | null> {
  const cached = await readCache(checkedConfigFile(options.runDir), {
    checkDigest: options.checkDigest ?? true,
  });
  const fits = cached !== null && cached.text === text &&
    cached.file === path && cached.workspace === resolve(options.workspace) &&
    cached.tend === VERSION && cached.deno === Deno.version.deno;
  return fits ? cached.config : null;
}

/**
 * `text`, read from `path`, validated and cached; `null` (unreadable, or
 * not UTF-8) goes to the loader, which says why.
 */
async function validateText(
  path: string,
  text: string | null,
  options: CheckedConfigOptions,
): Promise<Config> {
  const workspace = resolve(options.workspace);
  const { loadConfig, parseConfig } = await lazyImport<
    typeof import("./load.ts")
  >(new URL("./load.ts", import.meta.url));
  if (text === null) return await loadConfig(path, { workspace });
  const config = await parseConfig(text, { file: path, workspace });
  await remember(checkedConfigFile(options.runDir), {
    tend: VERSION,
    digest: await configDigest(config),
    deno: Deno.version.deno,
    file: path,
    workspace,
    text,
    config,
  });
  return config;
}

/** The file's text when it can be read as UTF-8; `null` otherwise. */
async function readText(path: string): Promise<string | null> {
  try {
    const read = await readRegularFile(path, {
      maxBytes: USER_FILE_MAX_BYTES,
    });
    if ("refused" in read) return null;
    return new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
  } catch {
    return null;
  }
}

/**
 * The cache, or `null` when absent, unreadable, not of the right shape, or
 * (`checkDigest`) when its config does not match its digest.
 */
async function readCache(
  path: string,
  options: { checkDigest: boolean },
): Promise<CheckedConfig | null> {
  try {
    const text = await readOwnFile(path, { maxBytes: MAX_CACHE_BYTES });
    if (text === null) return null;
    const value = JSON.parse(text) as Partial<CheckedConfig> | null;
    const ok = typeof value === "object" && value !== null &&
      typeof value.tend === "string" && typeof value.deno === "string" &&
      typeof value.file === "string" &&
      typeof value.workspace === "string" &&
      typeof value.text === "string" &&
      typeof value.config === "object" && value.config !== null &&
      Array.isArray(value.config.services);
    if (!ok || typeof value.digest !== "string") return null;
    if (
      options.checkDigest && value.digest !== await configDigest(value.config)
    ) {
      return null;
    }
    return value as CheckedConfig;
  } catch {
    return null;
  }
}

/**
 * SHA-256 of `config` as JSON, in hex: WebCrypto's, not a hash written in
 * JavaScript, which the supervisor's lite mode runs slowly (FNV-1a over the
 * 130 KB of 100 services: 12 ms; SHA-256: 1 ms, measured).
 */
export async function configDigest(config: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(config));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Writes the cache unless it holds the same already; never fails the caller. */
async function remember(path: string, checked: CheckedConfig): Promise<void> {
  const data = JSON.stringify(checked);
  try {
    const current = await readOwnFile(path, { maxBytes: MAX_CACHE_BYTES })
      .catch(() => null);
    if (current === data) return;
    await ensurePrivateDir(dirname(path));
    // Not synced: after a crash a lost cache only means one full load.
    await writeAtomic(path, data, { sync: false });
  } catch {
    // A file in the way: the supervisor validates the config itself.
  }
}
