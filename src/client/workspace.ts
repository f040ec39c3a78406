import {
  findWorkspace,
  type FindWorkspaceOptions,
} from "../config/workspace.ts";
import { workspacePaths } from "../config/paths.ts";
import { ControlClient } from "../ipc/client.ts";
import type { Workspace } from "../workspace/workspace.ts";

/** Finds the workspace from -C/-c or by walking up from the current directory. */
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

/** A client of the workspace's supervisor, or `null` when none answers. */
export async function connect(ws: Workspace): Promise<ControlClient | null> {
  try {
    await Deno.lstat(ws.paths.socket);
  } catch {
    return null;
  }
  const client = new ControlClient(ws.paths.socket);
  if (await client.ping() !== null) return client;
  client[Symbol.dispose]();
  return null;
}
