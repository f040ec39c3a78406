import { TendError } from "../errors.ts";
import { pollUntil } from "../_async.ts";
import { isLockHeld } from "../fence/lock.ts";
import type { ControlClient } from "../ipc/client.ts";
import type { Timing } from "../timing.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { LaunchStart } from "../ipc/go.ts";
import { supervisorClient } from "./supervisor_client.ts";

/** How long a start waits for a supervisor that is shutting down to exit. */
const SHUTDOWN_WAIT_MS = 15_000;
/** How many supervisors a start tries before it gives up. */
const ATTEMPTS = 3;

/**
 * Runs `op` on the workspace's supervisor, launching one when none answers.
 * A supervisor that is shutting down (`tend down` in flight) refuses it
 * with `SHUTTING_DOWN`: then this waits for that supervisor to exit and
 * runs `op` on the next one, so a start never lands on a supervisor that
 * is about to stop it.
 */
export async function onOpenSupervisor<T>(
  ws: Workspace,
  options: {
    timing: Timing;
    /** The config was validated just before (see `supervisorClient`). */
    configChecked?: boolean;
    /** The start `op` asks for, begun at once by a standby (`supervisorClient`). */
    launchStart?: LaunchStart;
    /**
     * A client of the supervisor that answered just now, for the first
     * attempt (one ping less); this call disposes of it.
     */
    connected?: ControlClient;
    op: (client: ControlClient) => Promise<T>;
  },
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      using client = attempt === 1 && options.connected
        ? options.connected
        : await supervisorClient(ws, options);
      return await options.op(client);
    } catch (error) {
      if (!shuttingDown(error) || attempt >= ATTEMPTS) throw error;
    }
    await exitOfSupervisor(ws);
  }
}

function shuttingDown(error: unknown): boolean {
  return error instanceof TendError && error.code === "SHUTTING_DOWN";
}

/** Waits until no supervisor holds the workspace lock, or a deadline. */
async function exitOfSupervisor(ws: Workspace): Promise<void> {
  await pollUntil(async () => !await isLockHeld(ws.paths.lockFile), {
    timeoutMs: SHUTDOWN_WAIT_MS,
    intervalMs: 20,
  });
}
