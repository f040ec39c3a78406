import { TendError } from "../errors.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import { type Command, parseCommandArgs } from "./command.ts";

/** `tend reload` */
export const reload: Command = {
  name: "reload",
  summary: "Re-read tend.toml and apply the difference",
  usage: `tend reload

New services start (when autostart), removed ones stop, changed ones
restart, unchanged ones keep running (same PID). An invalid file changes
nothing and fails with CONFIG_INVALID. Same as SIGHUP to the supervisor.`,
  options: {},
  async run(ctx, argv) {
    parseCommandArgs(this, argv);
    const ws = await resolveWorkspace(ctx);
    await loadWorkspaceConfig(ws);
    const client = await connect(ws);
    if (client === null) {
      throw new TendError(
        "NOT_RUNNING",
        `Cannot reload "${ws.root}": no supervisor is running`,
        {
          hint: 'Run "tend start" or "tend up -d"',
        },
      );
    }
    using _ = client;
    const diff = await client.reload();
    if (ctx.globals.json) ctx.out.json(diff);
    else {
      for (const [label, names] of Object.entries(diff)) {
        if (names.length > 0) ctx.out.note(`${label}: ${names.join(", ")}`);
      }
    }
    return 0;
  },
};
