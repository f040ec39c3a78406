import { lazyImport } from "../_lazy.ts";
import { TendWorkspace } from "../api/workspace.ts";
import { protocolStdio } from "../output/stdio.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend mcp` */
export async function run(ctx: Context, _args: ArgsOf<"mcp">): Promise<number> {
  const ws = new TendWorkspace(await resolveWorkspace(ctx));
  const { serveMcp } = await lazyImport<typeof import("../mcp/server.ts")>(
    new URL("../mcp/server.ts", import.meta.url),
  );
  ctx.out.note(`tend mcp: serving "${ws.root}" on stdio`);
  await serveMcp(ws, protocolStdio());
  return 0;
}
