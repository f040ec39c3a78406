import { downWorkspace } from "../api/actions.ts";
import { reportActions } from "./_report.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend down` */
export async function run(
  ctx: Context,
  _args: ArgsOf<"down">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  const { results, supervisorStopped } = await downWorkspace(ws, {
    onNote: (note) => ctx.out.note(note),
  });
  reportActions(ctx, { results });
  if (supervisorStopped) ctx.out.note("supervisor stopped");
  return 0;
}
