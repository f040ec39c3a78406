import type { ServiceRecord } from "../workspace/state_file.ts";
import { type RunnerCore, UNKNOWN_EXIT } from "./runner_core.ts";
import { exited } from "./runner_exit.ts";

/**
 * Takes over a process started by an earlier supervisor, after checking
 * its identity; returns `false` when the record no longer matches a live
 * process.
 */
export async function adopt(
  core: RunnerCore,
  record: ServiceRecord,
): Promise<boolean> {
  core.restarts.restarts = record.restarts;
  core.lastExit = record.lastExit;
  core.desired = record.desired;
  const identity = record.identity;
  if (identity === null || !await core.io.identityMatches(identity)) {
    return false;
  }
  if (!core.apply("adopt")) return false;
  core.reason = null;
  core.revivedAt = null;
  const generation = core.launches.begin("up");
  await core.process.adopted({
    identity,
    port: record.port,
    startedAt: record.startedAt ? Date.parse(record.startedAt) : core.io.now(),
  }, {
    checkIntervalMs: core.config.checkIntervalMs,
    onGone: () => exited(core, { generation, exit: UNKNOWN_EXIT }),
  });
  return true;
}
