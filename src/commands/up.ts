import { lazyImport } from "../_lazy.ts";
import { terminalSink } from "../output/output.ts";
import { checkWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./mod.ts";

/** `tend up [-d]` */
export async function run(ctx: Context, args: ArgsOf<"up">): Promise<number> {
  const { values } = args;
  const ws = await resolveWorkspace(ctx);
  await checkWorkspaceConfig(ws);
  if (values.daemon === true) {
    const { ensureSupervisor } = await lazyImport<
      typeof import("./_launch.ts")
    >(new URL("./_launch.ts", import.meta.url));
    using client = await ensureSupervisor(ws);
    reportActions(ctx, await client.start([]));
    return 0;
  }
  const { runSupervisor } = await lazyImport<
    typeof import("../supervisor/run.ts")
  >(new URL("../supervisor/run.ts", import.meta.url));
  return await runSupervisor({
    root: ws.root,
    configFile: ws.configFile,
    foreground: true,
    startAll: true,
    terminal: ctx.globals.quiet ? undefined : terminalSink,
  });
}
