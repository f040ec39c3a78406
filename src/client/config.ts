import { lazyImport } from "../_lazy.ts";
import type { Config } from "../config/schema.ts";
import type { Workspace } from "../workspace/workspace.ts";

/**
 * Loads and validates the workspace's config: the checked config that
 * `.tend/run/config.json` holds for the file's present text, else the file
 * through the loader (zod, TOML), imported on demand. Writes nothing.
 */
export async function loadWorkspaceConfig(ws: Workspace): Promise<Config> {
  const { cachedConfig } = await lazyImport<
    typeof import("../config/checked.ts")
  >(new URL("../config/checked.ts", import.meta.url));
  const cached = await cachedConfig(ws.configFile, checkedOptions(ws));
  if (cached !== null) return cached;
  const { loadConfig } = await lazyImport<typeof import("../config/load.ts")>(
    new URL("../config/load.ts", import.meta.url),
  );
  return await loadConfig(ws.configFile, { workspace: ws.root });
}

/**
 * Loads and validates the workspace's config, as {@linkcode loadWorkspaceConfig}
 * does, and leaves it checked in `.tend/run/config.json` for the supervisor
 * about to be launched or reloaded, which then needs no validator of its own.
 * A text checked before (a workspace that ran) loads no validator here
 * either.
 */
export async function checkWorkspaceConfig(ws: Workspace): Promise<Config> {
  const { loadCheckedConfig } = await lazyImport<
    typeof import("../config/checked.ts")
  >(new URL("../config/checked.ts", import.meta.url));
  return await loadCheckedConfig(ws.configFile, checkedOptions(ws));
}

function checkedOptions(ws: Workspace): { workspace: string; runDir: string } {
  return { workspace: ws.root, runDir: ws.paths.runDir };
}

/** Checks names against the config (groups expand to their instances). */
export async function selectNames(
  config: Config,
  names: readonly string[],
): Promise<string[]> {
  const { expandNames } = await lazyImport<
    typeof import("../config/services.ts")
  >(new URL("../config/services.ts", import.meta.url));
  return names.length === 0
    ? config.services.map((s) => s.name)
    : expandNames(config, [...names]);
}
