import { basename, dirname, join, resolve } from "../_path.ts";
import { TendError } from "../errors.ts";
import { isLockHeld } from "../fence/lock.ts";
import { fileKind, readOwnFile } from "../fence/safe_file.ts";

/** The names tend looks for, in order: its own, then mi7soft-daemon's. */
export const CONFIG_FILE_NAMES: readonly string[] = [
  "tend.toml",
  "daemon.toml",
];

/**
 * Options of {@linkcode findWorkspace}: the directory and the `-C`/`-c` flags.
 *
 * @example
 * ```ts ignore
 * const options: FindWorkspaceOptions = { cwd: Deno.cwd(), workspace: "app" };
 * ```
 */
export interface FindWorkspaceOptions {
  /** The current directory; relative flags start here. */
  cwd: string;
  /** `-C DIR`: the workspace directory. */
  workspace?: string | undefined;
  /** `-c FILE`: the config file. */
  config?: string | undefined;
}

/**
 * Where a workspace is, as found by {@linkcode findWorkspace}.
 *
 * @example
 * ```ts ignore
 * const { root, configFile }: WorkspaceLocation = await findWorkspace({ cwd: Deno.cwd() });
 * ```
 */
export interface WorkspaceLocation {
  /** The workspace directory: absolute, symlinks resolved. */
  root: string;
  /** The config file: absolute. */
  configFile: string;
}

/**
 * Finds the workspace and its config file. With `-c FILE`, that file
 * (relative to `cwd`), in the workspace `-C DIR` or else the file's
 * directory. With `-C DIR` alone, the `tend.toml` (or `daemon.toml`) in DIR.
 * Otherwise the first directory from `cwd` upwards holding one of them. A
 * directory whose file is gone but whose supervisor runs (it holds the lock
 * under `.tend/`) is a workspace too, with the file that supervisor loaded:
 * status, logs, stop and down still reach it.
 * Throws a `CONFIG_INVALID` {@linkcode TendError} when there is none. Needs
 * read permission for the directories it looks in; loads no config parser.
 *
 * @example
 * ```ts
 * const { root, configFile } = await findWorkspace({ cwd: Deno.cwd() });
 * ```
 */
export async function findWorkspace(
  options: FindWorkspaceOptions,
): Promise<WorkspaceLocation> {
  const cwd = resolve(options.cwd);
  if (options.config !== undefined) {
    return await fromConfigFlag(resolve(cwd, options.config), {
      workspace: options.workspace === undefined
        ? undefined
        : resolve(cwd, options.workspace),
    });
  }
  if (options.workspace !== undefined) {
    return await fromWorkspaceFlag(resolve(cwd, options.workspace));
  }
  return await walkUp(cwd);
}

async function fromConfigFlag(
  file: string,
  options: { workspace: string | undefined },
): Promise<WorkspaceLocation> {
  const dir = await realDirectory(dirname(file));
  const configFile = dir === undefined ? file : join(dir, basename(file));
  if (dir === undefined || !await isFile(configFile)) {
    throw new TendError(
      "CONFIG_INVALID",
      `Cannot load config "${file}": ${await whyNotAFile(configFile)}`,
    );
  }
  if (options.workspace === undefined) return { root: dir, configFile };
  return { root: await workspaceDirectory(options.workspace), configFile };
}

async function fromWorkspaceFlag(dir: string): Promise<WorkspaceLocation> {
  const root = await workspaceDirectory(dir);
  const configFile = await configIn(root);
  if (configFile !== undefined) return { root, configFile };
  throw notFound(`in "${root}"`);
}

async function walkUp(cwd: string): Promise<WorkspaceLocation> {
  const start = await realDirectory(cwd);
  if (start === undefined) throw notFound(`in "${cwd}" (not a directory)`);
  for (let dir = start;; dir = dirname(dir)) {
    const configFile = await configIn(dir);
    if (configFile !== undefined) return { root: dir, configFile };
    if (dirname(dir) === dir) break;
  }
  throw notFound(`in "${start}" or any parent directory`);
}

function notFound(where: string): TendError {
  return new TendError(
    "CONFIG_INVALID",
    `Cannot find a workspace: no tend.toml ${where}`,
    { hint: 'Run "tend init" to create one, or pass -C DIR' },
  );
}

async function workspaceDirectory(path: string): Promise<string> {
  const dir = await realDirectory(path);
  if (dir !== undefined) return dir;
  throw new TendError(
    "CONFIG_INVALID",
    `Cannot use workspace "${path}": directory not found`,
  );
}

async function configIn(dir: string): Promise<string | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const file = join(dir, name);
    if (await isFile(file, { orSpecial: true })) return file;
  }
  return await runningConfigIn(dir);
}

/** supervisor.json is a few hundred bytes. */
const DESCRIPTOR_MAX_BYTES = 64 * 1024;

/**
 * The config file that the live supervisor of `dir` loaded, when one holds
 * the lock in `dir/.tend/run`; undefined otherwise.
 */
async function runningConfigIn(dir: string): Promise<string | undefined> {
  const runDir = join(dir, ".tend", "run");
  try {
    if (!await isLockHeld(join(runDir, "supervisor.lock"))) return undefined;
    const text = await readOwnFile(join(runDir, "supervisor.json"), {
      maxBytes: DESCRIPTOR_MAX_BYTES,
    });
    const recorded = text === null ? undefined : JSON.parse(text)?.config;
    return typeof recorded === "string" && recorded.startsWith("/")
      ? recorded
      : join(dir, CONFIG_FILE_NAMES[0]!);
  } catch {
    return undefined;
  }
}

/** Why `path`, which {@linkcode isFile} refused, is no config file. */
async function whyNotAFile(path: string): Promise<string> {
  try {
    return `it is ${fileKind(await Deno.stat(path))}, not a regular file`;
  } catch {
    return "file not found";
  }
}

/**
 * Whether `path` is a regular file; `orSpecial`: or any file but a
 * directory, so that a FIFO named tend.toml is this workspace's config
 * (refused when read, which says what it is), not walked past.
 */
async function isFile(
  path: string,
  options: { orSpecial?: boolean } = {},
): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile || (options.orSpecial === true && !info.isDirectory);
  } catch (error) {
    if (isMissing(error) || error instanceof Deno.errors.PermissionDenied) {
      return false;
    }
    throw error;
  }
}

/** The real path of a directory, or undefined when there is none. */
async function realDirectory(path: string): Promise<string | undefined> {
  try {
    const real = await Deno.realPath(path);
    return (await Deno.stat(real)).isDirectory ? real : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    if (isDenied(error)) {
      throw new TendError(
        "PERMISSION_DENIED",
        `Cannot find a workspace: permission denied for "${path}"`,
        { cause: error },
      );
    }
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.NotADirectory;
}

function isDenied(error: unknown): boolean {
  return error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.NotCapable;
}
