import type { ExitStatus } from "../proc/spawn.ts";
import { startCancelledError } from "./pending_starts.ts";
import type { ExitDecision } from "./policy.ts";
import type { RunnerCore } from "./runner_core.ts";

/**
 * The policy's decision on a crash before the first readiness, if it
 * restarts. `max_restarts` bounds these retries in all (not only within
 * `restart_window`), so that the start ends.
 */
export function retryBeforeReady(
  core: RunnerCore,
  exit: ExitStatus,
): ExitDecision | null {
  if (core.config.restart === "never") return null;
  if (core.earlyRetries >= core.config.maxRestarts) {
    return {
      kind: "fail",
      reason:
        `restarted ${core.earlyRetries} times before it was ready (max_restarts)`,
    };
  }
  const decision = core.restarts.decide(core.config, {
    exit,
    startedAt: core.process.startedAt,
  });
  return decision.kind === "stop" ? null : decision;
}

/**
 * Waits in backoff before relaunching a start that crashed before it was
 * ready; a stop cancels the wait (and the start).
 */
export async function backoffBeforeReady(
  core: RunnerCore,
  backoff: { delayMs: number; signal: AbortSignal },
): Promise<void> {
  const { delayMs, signal } = backoff;
  core.apply("crash");
  core.ctx.log.info(
    "{service} exited before it was ready; restarting it in {delay} s",
    { service: core.name, delay: delayMs / 1000 },
  );
  core.ctx.changed();
  if (!await core.restarts.wait(delayMs, signal)) {
    core.apply("cancel");
    core.reason = null;
    core.ctx.changed();
    throw startCancelledError(core.name);
  }
  core.restarts.count();
  core.earlyRetries++;
  core.ctx.log.info("restarting {service} (restart {n})", {
    service: core.name,
    n: core.restarts.restarts,
  });
}
