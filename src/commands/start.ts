import { reportActions } from "./_report.ts";
import { onOpenSupervisor } from "./_open_supervisor.ts";
import { resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend start [NAME...]` */
export async function run(
  ctx: Context,
  args: ArgsOf<"start">,
): Promise<number> {
  const { values, positionals } = args;
  const wait = values["no-wait"] !== true;
  const ws = await resolveWorkspace(ctx);
  const what = positionals.length > 0 ? positionals.join(", ") : "services";
  reportActions(
    ctx,
    await ctx.out.spin(
      `starting ${what}…`,
      onOpenSupervisor(ws, {
        timing: ctx.timing,
        op: (client) => client.start(positionals, { wait }),
      }),
    ),
  );
  return 0;
}
