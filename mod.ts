/**
 * tend as a library: a typed client of a workspace's supervisor, and the
 * building blocks of its fence (flock, PID files, process identity).
 *
 * @example
 * ```ts ignore
 * import { connectWorkspace } from "./mod.ts";
 * using client = await connectWorkspace("/srv/app");
 * if (client) console.log((await client.status()).services);
 * ```
 *
 * Permissions: reading /proc needs `--allow-all` on Deno 2.9.
 */
import { workspacePaths } from "./src/config/paths.ts";
import { ControlClient } from "./src/ipc/client.ts";

export { ControlClient } from "./src/ipc/client.ts";
export type * from "./src/ipc/protocol.ts";
export { type ErrorCode, EXIT_CODES, TendError } from "./src/errors.ts";
export {
  servicePidFile,
  type WorkspacePaths,
  workspacePaths,
} from "./src/config/paths.ts";
export { findWorkspace } from "./src/config/workspace.ts";
export { loadConfig } from "./src/config/load.ts";
export type { Config, ServiceConfig } from "./src/config/schema.ts";
export { acquireLock, isLockHeld } from "./src/fence/lock.ts";
export { readPidFile, replacePidFile } from "./src/fence/pid_file.ts";
export { createExclusive, writeAtomic } from "./src/fence/safe_file.ts";
export {
  type Identity,
  identityMatches,
  readBootId,
  readIdentity,
} from "./src/proc/identity.ts";
export { VERSION } from "./src/version.ts";

/**
 * A client of the supervisor of the workspace at `root`, or `null` when no
 * supervisor answers there.
 */
export async function connectWorkspace(
  root: string,
): Promise<ControlClient | null> {
  const client = new ControlClient(workspacePaths(root).socket);
  return await client.ping() === null ? null : client;
}
