import type { ServiceStatus, StatusResponse } from "../ipc/protocol.ts";
import { VERSION } from "../version.ts";
import { addUsage, type UsageSampler } from "../workspace/usage.ts";
import type { OneOffs } from "./one_offs.ts";
import type { PortLedger } from "./port_ledger.ts";
import { withSchedule } from "./scheduled.ts";
import type { Scheduler } from "./scheduler.ts";
import type { ServiceRunner } from "./service_runner.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/** `status` of every service, with CPU and memory figures. */
export async function supervisorStatus(
  ctx: SupervisorContext,
  options: { startedAt: Date; sampler: UsageSampler },
): Promise<StatusResponse> {
  const views = [...ctx.runners.values()].map((runner) => ctx.view(runner));
  const drift = await ctx.source.drift(ctx.config);
  return {
    workspace: ctx.options.paths.root,
    supervisor: {
      status: "running",
      pid: Deno.pid,
      startedAt: options.startedAt.toISOString(),
      version: VERSION,
    },
    services: await addUsage(views, options.sampler),
    ...(drift === null ? {} : { configDrift: drift }),
  };
}

/** What a service's view adds to the runner's own. */
export interface ViewParts {
  /** The ports granted, with their moves. */
  ports: Pick<PortLedger, "moveOf">;
  oneOffs: Pick<OneOffs, "has">;
  scheduler: Pick<Scheduler, "view">;
}

/** A service's view, with the note of a port moved by "next". */
export function runnerStatus(
  runner: ServiceRunner,
  parts: ViewParts,
): ServiceStatus {
  let view = runner.view();
  const note = parts.ports.moveOf(runner.name);
  const oneOff = parts.oneOffs.has(runner.name) ? { oneOff: true } : {};
  view = withSchedule(view, {
    schedule: runner.config.schedule,
    view: parts.scheduler.view(runner.name),
  });
  return note === null
    ? { ...view, ...oneOff }
    : { ...view, ...oneOff, portNote: note };
}
