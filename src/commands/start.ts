import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { type Command, parseCommandArgs } from "./command.ts";

/** `tend start [NAME...]` */
export const start: Command = {
  name: "start",
  summary: "Start services (all autostart ones when none named)",
  usage: `tend start [NAME...] [--no-wait]

Starts the named services and their dependencies, launching a background
supervisor when none runs, and waits until each is ready (--no-wait: returns
once the supervisor has taken the request). A service that is already running
is reported, never started twice (exit 0).`,
  options: { "no-wait": { type: "boolean" } },
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(this, argv);
    const wait = values["no-wait"] !== true;
    const ws = await resolveWorkspace(ctx);
    let client = await connect(ws);
    if (client === null) {
      await loadWorkspaceConfig(ws); // bad config fails here, before anything runs
      const { ensureSupervisor } = await import("./_launch.ts");
      client = await ensureSupervisor(ws);
    }
    using _ = client;
    const what = positionals.length > 0 ? positionals.join(", ") : "services";
    reportActions(
      ctx,
      await ctx.out.spin(
        `starting ${what}…`,
        client.start(positionals, { wait }),
      ),
    );
    return 0;
  },
};
