import { pathExists } from "../_path_exists.ts";
import type { ControlClient } from "../ipc/client.ts";
import { DEFAULT_TIMING, type Timing } from "../timing.ts";
import { lostSupervisor } from "../workspace/lost_supervisor.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { supervisorClient } from "./supervisor_client.ts";

/**
 * For a command that found no supervisor to answer it: the workspace's
 * supervisor may still run, its services with it, after `.tend/run` was
 * removed under it ({@linkcode lostSupervisor}). Then this launches a new
 * supervisor, which retires that one and adopts its services (see
 * `retirePredecessor` in src/supervisor/guard.ts), and returns its client,
 * so that `status`, `stop` and `down` act on what runs rather than report
 * nothing. `null` when no such supervisor runs.
 */
export async function reclaimLostSupervisor(
  ws: Workspace,
  options: { timing?: Timing | undefined; onNote?: (note: string) => void } =
    {},
): Promise<ControlClient | null> {
  // A workspace that ran keeps state.json after its supervisor exits, and
  // one whose .tend/run was removed has none: only then is the lookup worth
  // its wait (the first read of /proc/locks, see lostSupervisor).
  if (await pathExists(ws.paths.stateFile)) return null;
  const lost = await lostSupervisor(ws.paths);
  if (lost === null) return null;
  options.onNote?.(
    `supervisor pid ${lost.pid} ran without "${ws.paths.runDir}"; a new supervisor took over its services`,
  );
  return await supervisorClient(ws, {
    timing: options.timing ?? DEFAULT_TIMING,
  });
}
