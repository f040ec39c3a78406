import { lazyImport } from "../_lazy.ts";
import type { ControlClient } from "../ipc/client.ts";
import type { Workspace } from "../workspace/workspace.ts";

export { resolveWorkspace, workspaceAt } from "./where.ts";

/**
 * A client of the workspace's supervisor, or `null` when none answers. The
 * client (and zod, which it validates answers with) is loaded only when a
 * socket is there: a cold `tend start` loads it while its supervisor starts.
 */
export async function connect(ws: Workspace): Promise<ControlClient | null> {
  try {
    await Deno.lstat(ws.paths.socket);
  } catch {
    return null;
  }
  const { ControlClient } = await loadClient();
  const client = new ControlClient(ws.paths.socket);
  if (await client.ping() !== null) return client;
  client[Symbol.dispose]();
  return null;
}

/** Loads the control API's client (once; later calls share the load). */
export function loadClient(): Promise<typeof import("../ipc/client.ts")> {
  return lazyImport<typeof import("../ipc/client.ts")>(
    new URL("../ipc/client.ts", import.meta.url),
  );
}
