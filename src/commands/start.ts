import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "./_workspace.ts";
import { startServices } from "../api/actions.ts";
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
      startServices(ws, { names: positionals, wait, timing: ctx.timing }),
    ),
  );
  return 0;
}
