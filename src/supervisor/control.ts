/**
 * The supervisor's control socket: the handler of the control API's
 * operations, and the listener that listens again when the socket's path is
 * removed or replaced.
 */
import { dirname } from "../_path.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { messageOf } from "../errors.ts";
import { ensurePrivateDir, removeIfPresent } from "../fence/safe_file.ts";
import { type ControlHandler, serveControl } from "../ipc/server.ts";
import type { UnixServer } from "../ipc/unix_server.ts";
import { OnceBy } from "../_once.ts";
import { VERSION } from "../version.ts";
import { inodeOf } from "../fence/lock_holders.ts";
import type { Inode } from "./guard.ts";
import type { HttpService } from "./http.ts";
import type { Log } from "./log.ts";
import type { Supervisor } from "./supervisor.ts";

/** Why the supervisor stops serving. */
export interface Stop {
  /** Stop every service first (`down`, or a foreground supervisor). */
  stopServices: boolean;
  /** The lock was lost: step down, leave the files to the successor. */
  lockLost?: boolean;
}

/** The control API's operations, on `supervisor`. */
export function controlHandler(
  supervisor: Supervisor,
  options: {
    root: string;
    stop: PromiseWithResolvers<Stop>;
    http: HttpService;
  },
): ControlHandler {
  return {
    ping: () => ({ pid: Deno.pid, workspace: options.root, version: VERSION }),
    status: () => supervisor.status(),
    start: (names, request) => supervisor.startFresh(names, request),
    stop: (names, request) => supervisor.stop(names, request),
    restart: (names) => supervisor.restartFresh(names),
    reload: () => supervisor.reload(),
    run: (request) => supervisor.runOneOff(request),
    cleanup: (request) => supervisor.cleanup(request),
    http: () => options.http.ensure(),
    shutdown: async ({ stopServices }) => {
      supervisor.close();
      if (stopServices) await supervisor.stopAll();
      options.stop.resolve({ stopServices });
    },
  };
}

/** The control socket, which can be listened on again when its path is lost. */
export interface Control {
  /** The inode of the socket now listened on. */
  readonly socket: Inode | null;
  /** Listens again at the socket path (someone removed or replaced it). */
  relisten(): Promise<void>;
  /** Stops every listener and waits for them. */
  close(): Promise<void>;
}

/**
 * Listens on the control socket with `handler`; the result listens again
 * when the socket's path is lost.
 */
export async function listenControl(
  paths: WorkspacePaths,
  options: { handler: ControlHandler; log: Log },
): Promise<Control> {
  const abort = new AbortController();
  const servers: UnixServer[] = [];
  let socket: Inode | null = null;
  const failures = new OnceBy();
  const listen = async () => {
    await prepareSocket(paths.socket);
    servers.push(
      serveControl(paths.socket, {
        signal: abort.signal,
        handler: options.handler,
      }),
    );
    socket = inodeOf(paths.socket);
  };
  await listen();
  return {
    get socket() {
      return socket;
    },
    async relisten() {
      // Checked at every fence check: a failure that repeats is logged once.
      try {
        await listen();
        options.log.warn("{socket} was removed or replaced; listening again", {
          socket: paths.socket,
        });
        failures.reset(paths.socket);
      } catch (error) {
        const reason = messageOf(error);
        if (!failures.first(paths.socket, reason)) return;
        options.log.error(
          "{socket} was removed or replaced and cannot be listened on again: {error}",
          { socket: paths.socket, error: reason },
        );
      }
    },
    async close() {
      abort.abort();
      await Promise.all(servers.map((server) => server.finished));
    },
  };
}

/** A socket file left by a killed supervisor is removed; we hold the lock. */
async function prepareSocket(socket: string): Promise<void> {
  await ensurePrivateDir(dirname(socket));
  await removeIfPresent(socket);
}
