import type { StartTicket } from "./pending_starts.ts";
import type { RunnerCore } from "./runner_core.ts";
import { launch } from "./runner_launch.ts";
import { stopProcess } from "./runner_stop.ts";

/**
 * Restarts the service because of `cause` (a watched file changed, its
 * memory is over the limit): counted as a restart, shown as the reason
 * (`restarted: <cause>`). Only a service its user wants up is restarted:
 * a running one, or one waiting in backoff or failed (a fix on disk
 * brings it back); a failed relaunch is decided by the restart policy.
 * With `freshBudget` (a deliberate restart, as for a changed file) the
 * `max_restarts` budget starts afresh, as after a user's restart.
 */
export function restartFor(
  core: RunnerCore,
  cause: string,
  options: { freshBudget?: boolean } = {},
): Promise<"restarted" | "skipped"> {
  // A ticket, so that a stop cancels the relaunch as it cancels a start.
  const ticket = core.pending.open();
  return core.serialize(async () => {
    try {
      return await restartNow(core, cause, { ...options, ticket });
    } finally {
      core.pending.close(ticket);
    }
  });
}

async function restartNow(
  core: RunnerCore,
  cause: string,
  options: { freshBudget?: boolean; ticket: StartTicket },
): Promise<"restarted" | "skipped"> {
  const state = core.state;
  if (core.desired !== "running") return "skipped";
  if (!["running", "backoff", "failed"].includes(state)) return "skipped";
  core.restarts.clear();
  if (options.freshBudget === true) core.restarts.reset();
  core.restarts.count();
  core.ctx.log.info("restarting {service}: {cause} (restart {n})", {
    service: core.name,
    cause,
    n: core.restarts.restarts,
  });
  if (state === "running") await stopProcess(core, { force: false });
  else core.apply("stop");
  core.emit({
    event: "restart",
    exit: core.lastExit ?? undefined,
    reason: cause,
  });
  if (options.ticket.signal.aborted) return "restarted";
  await launch(core, "start", {
    userInitiated: false,
    signal: options.ticket.signal,
  });
  if (core.state === "running") core.reason = `restarted: ${cause}`;
  core.ctx.changed();
  return "restarted";
}

/**
 * Restarts a service that died while no supervisor watched it, as its
 * restart policy would have: counted as a restart, and a failed launch
 * goes to backoff rather than to the caller.
 */
export function revive(core: RunnerCore): Promise<void> {
  return core.withTicket(async (signal) => {
    if (core.state !== "stopped") return;
    core.restarts.count();
    core.ctx.log.info(
      "{service} died while no supervisor ran; restarting it",
      { service: core.name },
    );
    await launch(core, "start", { userInitiated: false, signal });
  });
}
