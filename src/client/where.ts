import {
  findWorkspace,
  type FindWorkspaceOptions,
} from "../config/workspace.ts";
import { workspacePaths } from "../config/paths.ts";
import type { Workspace } from "../workspace/workspace.ts";

/**
 * Finds the workspace from -C/-c or by walking up from the current directory.
 * Apart from workspace.ts (which re-exports it) so that the supervisor,
 * which needs no control client, does not load one (nor zod with it).
 */
export function resolveWorkspace(
  ctx: {
    readonly cwd: string;
    readonly globals: Pick<FindWorkspaceOptions, "workspace" | "config">;
  },
): Promise<Workspace> {
  return workspaceAt({
    cwd: ctx.cwd,
    workspace: ctx.globals.workspace,
    config: ctx.globals.config,
  });
}

/** Finds the workspace as {@linkcode findWorkspace} does, with its paths. */
export async function workspaceAt(
  options: FindWorkspaceOptions,
): Promise<Workspace> {
  const found = await findWorkspace(options);
  return { ...found, paths: workspacePaths(found.root) };
}
