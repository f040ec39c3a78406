import { isLockHeld } from "../fence/lock.ts";
import { TendError } from "../errors.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { liveServices, stopLeftovers } from "./_down_leftovers.ts";
import type { ActionResponse, ActionResult } from "../ipc/protocol.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** How long `down` waits for the supervisor to release its lock. */
const EXIT_WAIT_MS = 15_000;

/** `tend down` */
export async function run(
  ctx: Context,
  _args: ArgsOf<"down">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  const client = await connect(ws);
  if (client === null) {
    const config = await loadWorkspaceConfig(ws);
    const names = config.services.map((s) => s.name);
    const { offlineStop } = await import("../workspace/offline.ts");
    reportActions(ctx, { results: await offlineStop(ws, { config, names }) });
    return 0;
  }
  using _ = client;
  // `closing`: from this stop on, the supervisor accepts no start.
  const stopped = await client.stop([], { closing: true });
  await client.shutdown({ stopServices: true });
  await waitUnlocked(ws.paths.lockFile);
  const leftovers = await stopLeftovers(ws);
  reportActions(ctx, withLeftovers(stopped, leftovers));
  await confirmNothingRuns(ws, leftovers);
  ctx.out.note("supervisor stopped");
  return 0;
}

/** The stop's results, with the leftovers stopped afterwards in place. */
function withLeftovers(
  stopped: ActionResponse,
  leftovers: readonly ActionResult[],
): ActionResponse {
  const late = new Map(
    leftovers.filter((r) => r.action === "stopped").map((r) => [r.name, r]),
  );
  return {
    results: stopped.results.map((result) => late.get(result.name) ?? result),
  };
}

/** `down` succeeds only when nothing of the workspace runs. */
async function confirmNothingRuns(
  ws: Workspace,
  leftovers: readonly ActionResult[],
): Promise<void> {
  if (leftovers.length === 0) return;
  const live = await liveServices(ws);
  if (live.length === 0) return;
  throw new TendError(
    "STOP_FAILED",
    `Cannot stop every service of "${ws.root}": ${
      live.map((name) => `"${name}"`).join(", ")
    } still running`,
    { hint: 'Run "tend down" again, or see "tend status"' },
  );
}

/** Waits until the supervisor has released `lockFile` (it has exited). */
export async function waitUnlocked(lockFile: string): Promise<void> {
  const deadline = Date.now() + EXIT_WAIT_MS;
  while (await isLockHeld(lockFile)) {
    if (Date.now() > deadline) {
      throw new TendError(
        "STOP_FAILED",
        `Cannot confirm that the supervisor exited: it still holds "${lockFile}"`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
