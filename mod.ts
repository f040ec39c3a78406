/**
 * tend as a library: everything the `tend` command does, as calls on a
 * workspace ({@linkcode openWorkspace}), plus a typed client of a
 * supervisor's control API and the building blocks of its fence (flock, PID
 * files, process identity).
 *
 * Import it by path or URL from any script; it needs no import map:
 *
 * @example
 * ```ts ignore
 * import { openWorkspace } from "/path/to/tend/mod.ts";
 * const ws = await openWorkspace("/srv/app");
 * await ws.start(["web"]);
 * console.log((await ws.status()).services);
 * ```
 *
 * Permissions: reading /proc needs `--allow-all` on Deno 2.9.
 *
 * @module
 */
import { workspacePaths } from "./src/config/paths.ts";
import { ControlClient } from "./src/ipc/client.ts";

export {
  type DownResponse,
  type LogsOptions,
  openWorkspace,
  type OpenWorkspaceOptions,
  type StartOptions,
  TendWorkspace,
} from "./src/api/workspace.ts";
export {
  type ClientStartOptions,
  type ClientStatusOptions,
  type ClientStopOptions,
  ControlClient,
} from "./src/ipc/client.ts";
// The control API's types, generated from its zod schemas (src/ipc/protocol.ts)
// by `deno task types`: plain documented interfaces a reader can follow.
export type {
  Action,
  ActionError,
  ActionResponse,
  ActionResult,
  CleanupRequestInput,
  CleanupResponse,
  ConfigApplied,
  ConfigDrift,
  HttpResponse,
  Instant,
  LastExit,
  LogsResponse,
  OrphanProcess,
  PingResponse,
  ReloadResponse,
  RunRequestInput,
  ServiceDiff,
  ServiceState,
  ServiceStatus,
  ShutdownRequestInput,
  StartRequestInput,
  StatusResponse,
  StopRequestInput,
  SupervisorStatus,
} from "./src/ipc/wire_types.ts";
export { type ErrorCode, EXIT_CODES, TendError } from "./src/errors.ts";
export {
  servicePidFile,
  type WorkspacePaths,
  workspacePaths,
} from "./src/config/paths.ts";
export {
  findWorkspace,
  type FindWorkspaceOptions,
  type WorkspaceLocation,
} from "./src/config/workspace.ts";
export { acquireLock, isLockHeld } from "./src/fence/lock.ts";
export { readPidFile, replacePidFile } from "./src/fence/pid_file.ts";
export {
  createExclusive,
  writeAtomic,
  type WriteOptions,
} from "./src/fence/safe_file.ts";
export {
  type Identity,
  identityMatches,
  readBootId,
  readIdentity,
} from "./src/proc/identity.ts";
export { VERSION } from "./src/version.ts";

/**
 * A client of the supervisor of the workspace at `root`, or `null` when no
 * supervisor answers there. Starts nothing (see {@linkcode openWorkspace}).
 *
 * @example
 * ```ts ignore
 * using client = await connectWorkspace("/srv/app");
 * if (client) console.log((await client.status()).services);
 * ```
 */
export async function connectWorkspace(
  root: string,
): Promise<ControlClient | null> {
  const client = new ControlClient(workspacePaths(root).socket);
  return await client.ping() === null ? null : client;
}
