import { loadWorkspaceConfig, selectNames } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { type Command, parseCommandArgs } from "./command.ts";

/** `tend stop [NAME...]` */
export const stop: Command = {
  name: "stop",
  summary: "Stop services (all when none named)",
  usage: `tend stop [NAME...]

Sends each service's stop_signal to its whole process group, waits
stop_timeout, then SIGKILLs the group: no grandchild survives. Works with or
without a running supervisor.`,
  options: {},
  async run(ctx, argv) {
    const { positionals } = parseCommandArgs(this, argv);
    const ws = await resolveWorkspace(ctx);
    const client = await connect(ws);
    if (client !== null) {
      using _ = client;
      reportActions(ctx, await client.stop(positionals));
      return 0;
    }
    const config = await loadWorkspaceConfig(ws);
    const names = await selectNames(config, positionals);
    const { offlineStop } = await import("./_offline.ts");
    reportActions(ctx, { results: await offlineStop(ws, { config, names }) });
    return 0;
  },
};
