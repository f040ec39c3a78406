import { lazyImport } from "../_lazy.ts";
import { isLockHeld } from "../fence/lock.ts";
import { TendError } from "../errors.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./mod.ts";

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
    const { offlineStop } = await lazyImport<
      typeof import("../workspace/offline.ts")
    >(new URL("../workspace/offline.ts", import.meta.url));
    reportActions(ctx, { results: await offlineStop(ws, { config, names }) });
    return 0;
  }
  using _ = client;
  const stopped = await client.stop([]);
  await client.shutdown({ stopServices: true });
  await waitUnlocked(ws.paths.lockFile);
  reportActions(ctx, stopped);
  ctx.out.note("supervisor stopped");
  return 0;
}

async function waitUnlocked(lockFile: string): Promise<void> {
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
