import { loadWorkspaceConfig } from "./_config.ts";
import { reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import type { Context, ParsedArgs } from "./command.ts";

/** `tend restart [NAME...]` */
export async function run(ctx: Context, args: ParsedArgs): Promise<number> {
  const { positionals } = args;
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
}
