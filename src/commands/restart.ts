import { reportActions, reportNothingToStart } from "./_report.ts";
import { spinText } from "./_spin_text.ts";
import { untilInterrupted } from "./_interrupt.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import { restartServices } from "../api/actions.ts";
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
  const response = await ctx.out.spin(
    await spinText(ctx, { ws, verb: "restarting", names: positionals }),
    untilInterrupted(
      (signal) =>
        restartServices(ws, { names: positionals, timing: ctx.timing, signal }),
      { doing: `restarting ${what}`, names: positionals },
    ),
  );
  if (response.results.length === 0) return reportNothingToStart(ctx);
  return reportActions(ctx, response);
}
