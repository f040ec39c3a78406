import { lazyImport } from "../_lazy.ts";
import type { ControlClient } from "../ipc/client.ts";
import type { Timing } from "../timing.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { LaunchStart } from "../ipc/go.ts";
import { connect } from "./workspace.ts";

/**
 * A client of the workspace's supervisor, launching one in the background
 * when none answers; the config is validated first, so a bad config fails
 * before anything runs (`configChecked`: the caller has just done so).
 */
export async function supervisorClient(
  ws: Workspace,
  options: {
    timing: Timing;
    configChecked?: boolean;
    /** The start the caller asks for next (see `ensureSupervisor`). */
    launchStart?: LaunchStart;
  },
): Promise<ControlClient> {
  const client = await connect(ws);
  if (client !== null) return client;
  if (options.configChecked !== true) {
    const { checkWorkspaceConfig } = await lazyImport<
      typeof import("./config.ts")
    >(new URL("./config.ts", import.meta.url));
    await checkWorkspaceConfig(ws);
  }
  const { ensureSupervisor } = await lazyImport<typeof import("./launch.ts")>(
    new URL("./launch.ts", import.meta.url),
  );
  return await ensureSupervisor(ws, options);
}
