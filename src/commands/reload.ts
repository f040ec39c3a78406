import { TendError } from "../errors.ts";
import { loadWorkspaceConfig } from "./_config.ts";
import { actionsStatus, reportActions } from "./_report.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend reload` */
export async function run(
  ctx: Context,
  _args: ArgsOf<"reload">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  await loadWorkspaceConfig(ws);
  const client = await connect(ws);
  if (client === null) {
    throw new TendError(
      "NOT_RUNNING",
      `Cannot reload "${ws.root}": no supervisor is running`,
      {
        hint: 'Run "tend start" or "tend up -d"',
      },
    );
  }
  using _ = client;
  const reloaded = await client.reload();
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
