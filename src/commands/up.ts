import { terminalSink } from "../output/output.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "./_workspace.ts";
import { type Command, parseCommandArgs } from "./command.ts";

/** `tend up [-d]` */
export const up: Command = {
  name: "up",
  summary: "Run the supervisor and every autostart service",
  usage: `tend up [-d|--daemon]

In the foreground (the default) the supervisor logs to the terminal, and on
Ctrl-C, SIGTERM or the terminal closing (SIGHUP) stops every service before
it exits. With -d it runs in the background and "tend up" returns once every
service is ready.`,
  options: { daemon: { type: "boolean", short: "d" } },
  async run(ctx, argv) {
    const { values } = parseCommandArgs(this, argv);
    const ws = await resolveWorkspace(ctx);
    await loadWorkspaceConfig(ws);
    if (values.daemon === true) {
      const { ensureSupervisor } = await import("./_launch.ts");
      using client = await ensureSupervisor(ws);
      reportActions(ctx, await client.start([]));
      return 0;
    }
    const { runSupervisor } = await import("../supervisor/run.ts");
    return await runSupervisor({
      root: ws.root,
      configFile: ws.configFile,
      foreground: true,
      startAll: true,
      terminal: ctx.globals.quiet ? undefined : terminalSink,
    });
  },
};
