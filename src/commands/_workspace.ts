import {
  findWorkspace,
  type FindWorkspaceOptions,
} from "../config/workspace.ts";
import { type WorkspacePaths, workspacePaths } from "../config/paths.ts";
import { ControlClient } from "../ipc/client.ts";
import type { Context } from "./command.ts";

/** A resolved workspace. */
export interface Workspace {
  root: string;
  configFile: string;
  paths: WorkspacePaths;
}

/** Finds the workspace from -C/-c or by walking up from the current directory. */
export function resolveWorkspace(ctx: Context): Promise<Workspace> {
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

/**
 * A client of the workspace's supervisor, launching one in the background
 * when none answers; the config is validated first, so a bad config fails
 * before anything runs.
 */
export async function supervisorClient(ws: Workspace): Promise<ControlClient> {
  const client = await connect(ws);
  if (client !== null) return client;
  const { loadWorkspaceConfig } = await import("./_config.ts");
  await loadWorkspaceConfig(ws);
  const { ensureSupervisor } = await import("./_launch.ts");
  return await ensureSupervisor(ws);
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

/** What sits at the socket path instead of a socket, or `null`. */
export async function socketBlocker(path: string): Promise<string | null> {
  try {
    const info = await Deno.lstat(path);
    if (info.isSocket) return null;
    if (info.isDirectory) return "a directory";
    if (info.isSymlink) return "a symbolic link";
    if (info.isFifo) return "a named pipe";
    return "a regular file";
  } catch {
    return null;
  }
}
