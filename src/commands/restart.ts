import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { type Command, parseCommandArgs } from "./command.ts";

/** `tend restart [NAME...]` */
export const restart: Command = {
  name: "restart",
  summary: "Stop then start services (all running ones when none named)",
  usage: `tend restart [NAME...]

Stops the named services (their whole process groups), then starts them and
waits until they are ready.`,
  options: {},
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(this, argv);
    const ws = await resolveWorkspace(ctx);
    let client = await connect(ws);
    if (client === null) {
      await loadWorkspaceConfig(ws);
      const { ensureSupervisor } = await import("./_launch.ts");
      client = await ensureSupervisor(ws);
    }
    using _ = client;
    const what = positionals.length > 0 ? positionals.join(", ") : "services";
    reportActions(
      ctx,
      await ctx.out.spin(`restarting ${what}…`, client.restart(positionals)),
    );
    return 0;
  },
};
