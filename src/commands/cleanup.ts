import { lazyImport } from "../_lazy.ts";
import type { CleanupRequest, CleanupResponse } from "../ipc/protocol.ts";
import type { Timing } from "../timing.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { connect, resolveWorkspace } from "../client/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend cleanup [--dry-run]` */
export async function run(
  ctx: Context,
  args: ArgsOf<"cleanup">,
): Promise<number> {
  const { values } = args;
  const ws = await resolveWorkspace(ctx);
  const result = await runCleanup(ws, {
    dryRun: values["dry-run"] === true,
    timing: ctx.timing,
  });
  reportCleanup(ctx, result);
  return 0;
}

/** Cleans through the supervisor when one answers, else under the lock. */
export async function runCleanup(
  ws: Workspace,
  options: CleanupRequest & { timing: Timing },
): Promise<CleanupResponse> {
  const { dryRun, timing } = options;
  const client = await connect(ws);
  if (client !== null) {
    using _ = client;
    return await client.cleanup({ dryRun });
  }
  const { offlineCleanup } = await lazyImport<
    typeof import("../workspace/offline.ts")
  >(new URL("../workspace/offline.ts", import.meta.url));
  return await offlineCleanup(ws, { dryRun, graceMs: timing.orphanGraceMs });
}

/** Prints what cleanup found and did. */
export function reportCleanup(ctx: Context, result: CleanupResponse): void {
  if (ctx.globals.json) return ctx.out.json(result);
  const verb = result.dryRun ? "would end" : "ended";
  for (const orphan of result.orphans) {
    const tag = orphan.service ? ` of "${orphan.service}"` : "";
    ctx.out.note(`${verb} orphan pid ${orphan.pid}${tag}: ${orphan.command}`);
  }
  for (const file of result.staleFiles) {
    ctx.out.note(`${result.dryRun ? "would remove" : "removed"} stale ${file}`);
  }
  if (result.orphans.length === 0 && result.staleFiles.length === 0) {
    ctx.out.note("nothing to clean up");
  }
}
