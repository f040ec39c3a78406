import { lazyImport } from "../_lazy.ts";
import { loadWorkspaceConfig, selectNames } from "./_config.ts";
import { reportActions } from "./_report.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { reportCleanup, runCleanup } from "./cleanup.ts";
import { TendError } from "../errors.ts";
import type { ActionResponse } from "../ipc/protocol.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./mod.ts";

/** `tend stop [NAME...]` */
export async function run(ctx: Context, args: ArgsOf<"stop">): Promise<number> {
  const { values, positionals } = args;
  if (values.all === true && positionals.length > 0) {
    throw new TendError("USAGE", "Cannot combine --all with service names", {
      hint: 'Use "tend stop --all" or "tend stop NAME..."',
    });
  }
  const ws = await resolveWorkspace(ctx);
  const stopped = await stopServices(ws, positionals);
  if (values.all !== true) {
    reportActions(ctx, stopped);
    return 0;
  }
  const cleaned = await runCleanup(ws, { dryRun: false });
  if (ctx.globals.json) ctx.out.json({ ...stopped, cleanup: cleaned });
  else {
    reportActions(ctx, stopped);
    reportCleanup(ctx, cleaned);
  }
  return 0;
}

async function stopServices(
  ws: Workspace,
  names: readonly string[],
): Promise<ActionResponse> {
  const client = await connect(ws);
  if (client !== null) {
    using _ = client;
    return await client.stop(names);
  }
  const config = await loadWorkspaceConfig(ws);
  const selected = await selectNames(config, names);
  const { offlineStop } = await lazyImport<
    typeof import("../workspace/offline.ts")
  >(new URL("../workspace/offline.ts", import.meta.url));
  return { results: await offlineStop(ws, { config, names: selected }) };
}
