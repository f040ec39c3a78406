import { reportActions } from "./_report.ts";
import { resolveWorkspace, supervisorClient } from "./_workspace.ts";
import type { Context, ParsedArgs } from "./command.ts";

/** `tend restart [NAME...]` */
export async function run(ctx: Context, args: ParsedArgs): Promise<number> {
  const { positionals } = args;
  const ws = await resolveWorkspace(ctx);
  using client = await supervisorClient(ws, ctx);
  const what = positionals.length > 0 ? positionals.join(", ") : "services";
  reportActions(
    ctx,
    await ctx.out.spin(`restarting ${what}…`, client.restart(positionals)),
  );
  return 0;
}
