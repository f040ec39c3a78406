import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import type { Context, ParsedArgs } from "./command.ts";

/** `tend start [NAME...]` */
export async function run(ctx: Context, args: ParsedArgs): Promise<number> {
  const { values, positionals } = args;
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
}
