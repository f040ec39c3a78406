import type { RunnerCore } from "./runner_core.ts";
import { settleEnded } from "./runner_exit.ts";

/**
 * Stops the service and everything in its process group: its stop signal,
 * or SIGKILL at once with `force`. A start in progress or queued is
 * cancelled at once, not waited for.
 */
export function stopService(
  core: RunnerCore,
  options: { force?: boolean } = {},
): Promise<"stopped" | "already-stopped"> {
  const cancelled = core.pending.cancel();
  return core.serialize(async () => {
    core.desired = "stopped";
    core.restarts.clear();
    core.killed = false;
    if (core.state === "running") {
      await stopProcess(core, { force: options.force === true });
      return "stopped";
    }
    const was = core.state;
    core.apply("stop");
    core.ctx.changed();
    return was === "backoff" || cancelled ? "stopped" : "already-stopped";
  });
}

/**
 * Ends the running process group. Its exit may be reported before the
 * stop records it; whichever comes second finds it settled.
 */
export async function stopProcess(
  core: RunnerCore,
  options: { force: boolean },
): Promise<void> {
  core.apply("stop");
  core.ctx.changed();
  core.ctx.log.info("stopping {service} pid {pid}", {
    service: core.name,
    pid: core.process.identity?.pid,
  });
  const outcome = await core.process.endGroup(core.config, options);
  core.killed = outcome.escalated;
  if (outcome.escalated) {
    core.ctx.log.warn("{service} ignored {signal}; sent SIGKILL", {
      service: core.name,
      signal: core.config.stopSignal,
    });
  }
  await settleEnded(core, {
    generation: core.launches.current.generation,
    event: "stopped",
  });
}
