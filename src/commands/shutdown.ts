import { TendError } from "../errors.ts";
import { waitUnlocked } from "../api/actions.ts";
import { connect, resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend shutdown`: the supervisor exits, its services keep running. */
export async function run(
  ctx: Context,
  _args: ArgsOf<"shutdown">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  const client = await connect(ws);
  if (client === null) {
    throw new TendError(
      "NOT_RUNNING",
      `Cannot shut down the supervisor: none runs for "${ws.root}"`,
    );
  }
  using _ = client;
  await client.shutdown({ stopServices: false });
  await waitUnlocked(ws.paths.lockFile);
  ctx.out.note("supervisor stopped; services keep running");
  return 0;
}
