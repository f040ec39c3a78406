import type { WorkspacePaths } from "../config/paths.ts";
import type { WorkspaceLocation } from "../config/workspace.ts";

/** A resolved workspace: its directory, its config file and its file layout. */
export interface Workspace extends WorkspaceLocation {
  paths: WorkspacePaths;
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
