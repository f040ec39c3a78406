import type { CleanupRequest, CleanupResponse } from "../ipc/protocol.ts";
import { cleanWorkspace } from "../workspace/cleanup.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/**
 * Ends processes tagged with the workspace that no service tracks, and
 * removes stale files; lists them only with `dryRun`. Every service
 * operation waits meanwhile, so no fresh spawn is mistaken for an orphan.
 */
export function cleanup(
  ctx: SupervisorContext,
  options: CleanupRequest,
): Promise<CleanupResponse> {
  return exclusive(ctx, async () => {
    const tracked = new Map<string, number>();
    for (const runner of ctx.runners.values()) {
      if (runner.trackedPid !== null) {
        tracked.set(runner.name, runner.trackedPid);
      }
    }
    const result = await cleanWorkspace({
      paths: ctx.options.paths,
      bootId: ctx.options.bootId,
      tracked,
      supervisorLive: true,
      dryRun: options.dryRun,
      graceMs: ctx.options.timing.orphanGraceMs,
    });
    for (const orphan of result.orphans) {
      ctx.options.log.info("{action} orphan pid {pid} ({command})", {
        action: options.dryRun ? "found" : "ended",
        pid: orphan.pid,
        command: orphan.command,
      });
    }
    return result;
  });
}

/** Runs `fn` while every service's operations wait. */
async function exclusive<T>(
  ctx: SupervisorContext,
  fn: () => Promise<T>,
): Promise<T> {
  const gate = Promise.withResolvers<void>();
  const reached = [...ctx.runners.values()].map((runner) => {
    const here = Promise.withResolvers<void>();
    void runner.serialize(() => {
      here.resolve();
      return gate.promise;
    });
    return here.promise;
  });
  try {
    await Promise.all(reached);
    return await fn();
  } finally {
    gate.resolve();
  }
}
