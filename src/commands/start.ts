import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "./_workspace.ts";
import { startServices } from "../api/actions.ts";
import type { Context, ParsedArgs } from "./command.ts";

/** `tend start [NAME...]` */
export async function run(ctx: Context, args: ParsedArgs): Promise<number> {
  const { values, positionals } = args;
  const wait = values["no-wait"] !== true;
  const ws = await resolveWorkspace(ctx);
  const what = positionals.length > 0 ? positionals.join(", ") : "services";
  reportActions(
    ctx,
    await ctx.out.spin(
      `starting ${what}…`,
      startServices(ws, { names: positionals, wait }),
    ),
  );
  return 0;
}
