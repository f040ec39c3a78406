import { describeReady } from "../config/ready_words.ts";
import { messageOf } from "../errors.ts";
import type { SpawnedProcess } from "../proc/spawn.ts";
import { type LaunchOutcome, startFailedError } from "./launch.ts";
import { startCancelledError } from "./pending_starts.ts";
import { describeExit } from "./policy.ts";
import {
  type LaunchOptions,
  type RunnerCore,
  UNKNOWN_EXIT,
} from "./runner_core.ts";
import { decide, exited, settleEnded, settleExit } from "./runner_exit.ts";
import { backoffBeforeReady, retryBeforeReady } from "./runner_retry.ts";

/**
 * Launches a new generation and waits for its readiness. An exit of the
 * child meanwhile is parked (the launch sees it itself) and routed again
 * once the launch returned. `retry`: a user's start crashed before it was
 * ready, the policy restarts it, and the backoff has passed.
 */
export async function launch(
  core: RunnerCore,
  event: "start" | "retry",
  options: LaunchOptions,
): Promise<"done" | "retry"> {
  if (!core.apply(event)) return "done";
  core.reason = null;
  core.ctx.changed();
  const generation = core.launches.begin("spawning");
  try {
    // The old PID file still being removed in the background (after a
    // stop): the new one must not be taken with it.
    await core.process.removal;
    const launched = await core.io.launch(core.config, {
      paths: core.ctx.paths,
      baseEnv: core.ctx.baseEnv,
      port: await core.ctx.ports.grant(core.config),
      onSpawn: (child, port) => spawned(core, generation, { child, port }),
      signal: options.signal,
      ...core.ctx.peerPorts &&
        { peerPorts: core.ctx.peerPorts(core.config) },
    });
    if (launched.kind === "ready") {
      core.apply("ready");
      core.emit({ event: "ready" });
      // Only a restart after an exit this supervisor saw is reported as
      // its doing; a revival at its start, or an early retry of a user's
      // start, is part of the user's command.
      core.revivedAt = event === "retry" && !options.userInitiated
        ? core.io.now()
        : null;
      core.ctx.log.info("{service} is ready (pid {pid})", {
        service: core.name,
        pid: launched.pid,
      });
      core.ctx.changed();
      core.ctx.onReady?.(core.name, core.process.port);
      return "done";
    }
    if (launched.kind === "completed") {
      settleExit(core, { generation, exit: launched.exit });
      core.apply("complete");
      // Done: a later supervisor must not run it again on its own.
      core.desired = "stopped";
      core.ctx.log.info(
        "{service} completed (pid {pid} exited with code {code})",
        {
          service: core.name,
          pid: launched.pid,
          code: launched.exit.code,
        },
      );
      core.ctx.changed();
      return "done";
    }
    if (launched.kind === "cancelled") {
      await cancelled(core, generation, options);
      return "done";
    }
    return await launchFailed(core, generation, { failure: launched, options });
  } catch (error) {
    await launchThrew(core, generation, error);
    throw error;
  } finally {
    const parked = core.launches.launched(generation);
    if (parked !== null) exited(core, { generation, exit: parked });
  }
}

async function spawned(
  core: RunnerCore,
  generation: number,
  spawned: { child: SpawnedProcess; port: number | null },
): Promise<void> {
  core.launches.spawned(generation);
  await core.process.spawned(
    spawned,
    (exit) => exited(core, { generation, exit }),
  );
  core.ctx.changed();
}

/**
 * A stop cancelled the launch: ends its group and the service is stopped;
 * a user's start learns it was cancelled.
 */
async function cancelled(
  core: RunnerCore,
  generation: number,
  options: LaunchOptions,
): Promise<void> {
  core.ctx.log.info("a stop cancelled the start of {service}", {
    service: core.name,
  });
  await core.process.endGroup(core.config);
  await settleEnded(core, { generation, event: "cancel" });
  if (options.userInitiated) throw startCancelledError(core.name);
}

/**
 * The launch exited or timed out before it was ready. A user's start
 * whose process crashed is retried as the restart policy says (backoff,
 * `max_restarts`): `retry` once the backoff has passed.
 */
async function launchFailed(
  core: RunnerCore,
  generation: number,
  outcome: {
    failure: Exclude<
      LaunchOutcome,
      { kind: "ready" | "completed" | "cancelled" }
    >;
    options: LaunchOptions;
  },
): Promise<"done" | "retry"> {
  const { failure, options } = outcome;
  const timedOut = failure.kind === "timeout";
  const why = timedOut
    ? `not ready after ${core.config.readyTimeoutMs / 1000} s (waited for ${
      describeReady(core.config, core.process.port)
    })`
    : describeExit(failure.exit);
  if (timedOut) await core.process.endGroup(core.config);
  const exit = timedOut ? UNKNOWN_EXIT : failure.exit;
  // A crash may be relaunched at once: its PID file goes now.
  settleExit(core, { generation, exit, now: !timedOut });
  core.ctx.log.warn("{service} failed to start: {why}", {
    service: core.name,
    why,
  });
  if (!options.userInitiated) {
    decide(core, exit);
    return "done";
  }
  const retry = timedOut ? null : retryBeforeReady(core, exit);
  if (retry?.kind === "restart") {
    await backoffBeforeReady(core, {
      delayMs: retry.delayMs,
      signal: options.signal,
    });
    return "retry";
  }
  const gaveUp = retry?.kind === "fail" ? `${why}; ${retry.reason}` : why;
  core.apply("launch-failed");
  core.reason = gaveUp;
  core.emit({ event: "failed", exit, reason: gaveUp });
  core.ctx.changed();
  throw startFailedError(core.name, {
    why: gaveUp,
    logTail: failure.logTail,
  });
}

/**
 * The launch threw (no port, no spawn, no PID file). A child it leaves is
 * ended; its exit is recorded when reported, after the service failed.
 */
async function launchThrew(
  core: RunnerCore,
  generation: number,
  error: unknown,
): Promise<void> {
  if (core.state !== "starting") return; // launchFailed decided it
  if (core.process.child !== null) {
    await core.process.endGroup(core.config);
  } else {
    core.launches.settle(generation);
    core.process.releasePort();
  }
  core.apply("launch-failed");
  core.reason = messageOf(error);
  core.emit({ event: "failed", reason: core.reason });
  core.ctx.changed();
}
