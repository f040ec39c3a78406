import { reportActions } from "./_report.ts";
import { supervisorClient } from "./_client.ts";
import { resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend restart [NAME...]` */
export async function run(
  ctx: Context,
  args: ArgsOf<"restart">,
): Promise<number> {
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
