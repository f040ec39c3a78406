import { reportActions, reportNothingToStart } from "./_report.ts";
import { spinText } from "./_spin_text.ts";
import { untilInterrupted } from "./_interrupt.ts";
import { resolveWorkspace } from "../client/workspace.ts";
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
  const response = await ctx.out.spin(
    await spinText(ctx, { ws, verb: "starting", names: positionals }),
    untilInterrupted(
      (signal) =>
        startServices(ws, {
          names: positionals,
          wait,
          timing: ctx.timing,
          signal,
        }),
      { doing: `starting ${what}`, names: positionals },
    ),
  );
  if (response.results.length === 0) return reportNothingToStart(ctx);
  return reportActions(ctx, response);
}
