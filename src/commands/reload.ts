import { reloadWorkspace } from "../api/actions.ts";
import { actionsStatus, reportActions } from "./_report.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend reload` */
export async function run(
  ctx: Context,
  _args: ArgsOf<"reload">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  const reloaded = await reloadWorkspace(ws);
  if (ctx.globals.json) {
    ctx.out.json(reloaded);
    return actionsStatus(reloaded.results);
  }
  const { results, ...diff } = reloaded;
  for (const [label, names] of Object.entries(diff)) {
    if (names.length > 0) ctx.out.note(`${label}: ${names.join(", ")}`);
  }
  return reportActions(ctx, { results });
}
