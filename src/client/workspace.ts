import { ControlClient } from "../ipc/client.ts";
import type { Workspace } from "../workspace/workspace.ts";

export { resolveWorkspace, workspaceAt } from "./where.ts";

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
