import { terminalSink } from "../output/output.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions, reportForeground } from "./_report.ts";
import { resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend up [-d]` */
export async function run(ctx: Context, args: ArgsOf<"up">): Promise<number> {
  const { values } = args;
  const ws = await resolveWorkspace(ctx);
  await loadWorkspaceConfig(ws);
  if (values.daemon === true) {
    const { ensureSupervisor } = await import("./_launch.ts");
    using client = await ensureSupervisor(ws);
    return reportActions(ctx, await client.start([]));
  }
  const { runSupervisor } = await import("../supervisor/run.ts");
  return await runSupervisor({
    root: ws.root,
    configFile: ws.configFile,
    foreground: true,
    startAll: true,
    onStarted: (response) => reportForeground(ctx, response),
    terminal: ctx.globals.quiet ? undefined : terminalSink,
  });
}
