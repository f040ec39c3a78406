import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import { stopServices } from "../api/actions.ts";
import { reportCleanup, runCleanup } from "./cleanup.ts";
import { TendError } from "../errors.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend stop [NAME...]` */
export async function run(ctx: Context, args: ArgsOf<"stop">): Promise<number> {
  const { values, positionals } = args;
  if (values.all === true && positionals.length > 0) {
    throw new TendError("USAGE", "Cannot combine --all with service names", {
      hint: 'Use "tend stop --all" or "tend stop NAME..."',
    });
  }
  const ws = await resolveWorkspace(ctx);
  const stopped = await stopServices(ws, {
    names: positionals,
    onNote: (note) => ctx.out.note(note),
  });
  if (values.all !== true) return reportActions(ctx, stopped);
  const cleaned = await runCleanup(ws, { dryRun: false, timing: ctx.timing });
  if (ctx.globals.json) ctx.out.json({ ...stopped, cleanup: cleaned });
  else {
    reportActions(ctx, stopped);
    reportCleanup(ctx, cleaned);
  }
  return 0;
}
