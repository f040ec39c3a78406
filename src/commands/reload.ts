import { TendError } from "../errors.ts";
import { checkWorkspaceConfig } from "./_config.ts";
import { connect, resolveWorkspace } from "./_workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./mod.ts";

/** `tend reload` */
export async function run(
  ctx: Context,
  _args: ArgsOf<"reload">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  await checkWorkspaceConfig(ws);
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
  const diff = await client.reload();
  if (ctx.globals.json) ctx.out.json(diff);
  else {
    for (const [label, names] of Object.entries(diff)) {
      if (names.length > 0) ctx.out.note(`${label}: ${names.join(", ")}`);
    }
  }
  return 0;
}
