import { lazyImport } from "../_lazy.ts";
import { terminalSink } from "../output/output.ts";
import { checkWorkspaceConfig } from "../client/config.ts";
import { reportActions, reportForeground } from "./_report.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend up [-d] [--no-logs]` */
export async function run(ctx: Context, args: ArgsOf<"up">): Promise<number> {
  const { values } = args;
  const ws = await resolveWorkspace(ctx);
  const config = await checkWorkspaceConfig(ws);
  if (values.daemon === true) {
    const { onOpenSupervisor } = await lazyImport<
      typeof import("../client/open_supervisor.ts")
    >(new URL("../client/open_supervisor.ts", import.meta.url));
    return reportActions(
      ctx,
      await onOpenSupervisor(ws, {
        timing: ctx.timing,
        op: (client) => client.start([]),
      }),
    );
  }
  const { runSupervisor } = await lazyImport<
    typeof import("../supervisor/run.ts")
  >(new URL("../supervisor/run.ts", import.meta.url));
  const quiet = ctx.globals.quiet;
  const view = quiet || values["no-logs"] === true
    ? null
    : await (await lazyImport<typeof import("./_foreground_view.ts")>(
      new URL("./_foreground_view.ts", import.meta.url),
    ))
      .followServices(ctx, config.services);
  try {
    return await runSupervisor({
      root: ws.root,
      configFile: ws.configFile,
      foreground: true,
      startAll: true,
      onStarted: (response) =>
        reportForeground(ctx, { response, note: view?.tendLine }),
      terminal: quiet ? undefined : view?.tendLine ?? terminalSink,
      timing: ctx.timing,
    });
  } finally {
    await view?.stop();
  }
}
