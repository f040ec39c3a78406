import { reportActions } from "./_report.ts";
import { onOpenSupervisor } from "./_open_supervisor.ts";
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
  const what = positionals.length > 0 ? positionals.join(", ") : "services";
  reportActions(
    ctx,
    await ctx.out.spin(
      `restarting ${what}…`,
      onOpenSupervisor(ws, {
        timing: ctx.timing,
        op: (client) => client.restart(positionals),
      }),
    ),
  );
  return 0;
}
