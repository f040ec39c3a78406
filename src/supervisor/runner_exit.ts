import type { ExitStatus } from "../proc/spawn.ts";
import { decisionEvent, describeExit } from "./policy.ts";
import { type RunnerCore, UNKNOWN_EXIT } from "./runner_core.ts";

/** The exit of the process of one generation. */
export interface ExitReport {
  generation: number;
  exit: ExitStatus;
}

/**
 * A report that the process of `generation` exited (its `exited` promise,
 * or a failed check of an adopted process). The races, by case:
 * - during its launch: parked; the launch sees the exit itself, then hands
 *   the parked report back, settled already unless readiness won the race;
 * - of an earlier generation (a stop and a start came since): stale;
 * - racing a stop: the stop and this report both settle the generation,
 *   the second finds it settled; a report that comes first leaves the
 *   decision to the stop (state `stopping`).
 */
export function exited(core: RunnerCore, report: ExitReport): void {
  const { generation, exit } = report;
  if (core.launches.route(generation, exit) !== "handle") return;
  // Not stopping: the policy may relaunch at once.
  const now = core.state !== "stopping";
  if (!settleExit(core, { generation, exit, now })) return;
  core.ctx.log.info("{service} pid {pid} {how}", {
    service: core.name,
    pid: core.process.identity?.pid,
    how: describeExit(exit),
  });
  if (core.state === "stopping") return; // the stop confirms it
  void core.serialize(async () => {
    // A stop and a start may have run first: the new process is not ours.
    if (!core.launches.isCurrent(generation)) return;
    await core.process.endGroup(core.config).catch((error) =>
      core.logError("cannot end what is left of {service}: {error}", error)
    );
    decide(core, exit);
  }).catch((error) =>
    core.logError("{service} after its exit: {error}", error)
  );
}

/**
 * Records the exit of `generation` once; `false` when already recorded.
 * `now`: the PID file is removed before returning (see TrackedProcess.gone).
 */
export function settleExit(
  core: RunnerCore,
  report: ExitReport & { now?: boolean },
): boolean {
  const { generation, exit, ...options } = report;
  if (!core.launches.settle(generation)) return false;
  core.process.gone(options);
  core.lastExit = { ...exit, at: new Date(core.io.now()).toISOString() };
  core.emit({ event: "exit", exit });
  core.ctx.changed();
  return true;
}

/**
 * After a stop or a cancel ended the group of launch `generation`: settles
 * it with its child's exit (unknown without a child) and enters the state
 * of `event`, with no reason left.
 */
export async function settleEnded(
  core: RunnerCore,
  ended: { generation: number; event: "cancel" | "stopped" },
): Promise<void> {
  const child = core.process.child;
  settleExit(core, {
    generation: ended.generation,
    exit: child ? await child.exited : UNKNOWN_EXIT,
  });
  core.apply(ended.event);
  core.reason = null;
  core.ctx.changed();
}

/** What the restart policy does after the service exited by itself. */
export function decide(core: RunnerCore, exit: ExitStatus): void {
  // Only a live service is decided: a failed launch or a stop came first.
  if (core.state !== "running" && core.state !== "starting") return;
  if (core.desired === "stopped") {
    // Adopted while its user wanted it down: it stays down.
    core.apply("exit");
    core.reason = null;
    core.ctx.changed();
    return;
  }
  const decision = core.restarts.decide(core.config, {
    exit,
    startedAt: core.process.startedAt,
  });
  if (!core.apply(decisionEvent(decision))) return;
  core.reason = decision.kind === "restart" ? null : decision.reason;
  if (decision.kind === "restart") scheduleRestart(core, decision.delayMs);
  if (decision.kind === "fail") {
    core.ctx.log.warn("{service} failed: {reason}", {
      service: core.name,
      reason: decision.reason,
    });
    core.emit({ event: "failed", exit, reason: decision.reason });
  }
  core.ctx.changed();
}

/** Relaunches the service after `delayMs` unless a start or a stop comes first. */
function scheduleRestart(core: RunnerCore, delayMs: number): void {
  core.restarts.schedule(delayMs, () => {
    void core.withTicket(async (signal) => {
      if (core.state !== "backoff") return; // a start or a stop came first
      core.restarts.count();
      core.ctx.log.info("restarting {service} (restart {n})", {
        service: core.name,
        n: core.restarts.restarts,
      });
      core.emit({
        event: "restart",
        exit: core.lastExit ?? undefined,
        reason: core.lastExit ? describeExit(core.lastExit) : undefined,
      });
      await core.launch("retry", { userInitiated: false, signal }).catch((
        error,
      ) => core.logError("{service} could not restart: {error}", error));
    }).catch((error) => core.logError("restart of {service}: {error}", error));
  });
}
