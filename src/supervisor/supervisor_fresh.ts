import type {
  ActionResponse,
  ActionResult,
  ConfigApplied,
} from "../ipc/protocol.ts";
import {
  appliedSummary,
  type FreshenPlan,
  planFreshen,
  requestedNames,
  touchedServices,
  withApplied,
} from "./freshen.ts";
import { expandNames } from "../config/services.ts";
import { checkStartable } from "./restart_check.ts";
import type { ServiceRunner } from "./service_runner.ts";
import { definitions, restartSet } from "./supervisor_stop.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/**
 * `start` as a user asks it: first the file's definitions of the services
 * it touches (new ones and changed ones), restarting those running whose
 * change needs it. An invalid file fails with `CONFIG_INVALID` and changes
 * nothing.
 */
export async function startFresh(
  ctx: SupervisorContext,
  names: readonly string[],
  options: { wait?: boolean } = {},
): Promise<ActionResponse> {
  const oneOff = names.filter((name) => ctx.oneOffs.has(name));
  if (oneOff.length > 0 && oneOff.length === names.length) {
    return await ctx.start(names, options);
  }
  const fromFile = names.filter((name) => !ctx.oneOffs.has(name));
  const { plan, requested: listed, applied } = await applyFile(
    ctx,
    fromFile,
    {
      all: "autostart",
      // The running services whose change needs a restart.
      restarts: (plan) =>
        plan.restart.filter((name) => isActive(ctx.runner(name))),
    },
  );
  const requested = [...listed, ...oneOff];
  const active = plan.restart.filter((name) => isActive(ctx.runner(name)));
  let restarted: ActionResult[] = [];
  if (active.length > 0 && options.wait === false) {
    void ctx.restart(active).catch((error) => ctx.logError("start", error));
  } else if (active.length > 0) {
    restarted = (await ctx.restart(active)).results;
  }
  const started = requested.length === 0
    ? { results: [] }
    : await ctx.start(requested, options);
  const byName = new Map(restarted.map((result) => [result.name, result]));
  const results = started.results.map((r) => byName.get(r.name) ?? r);
  return withApplied({ results }, applied);
}

/** `restart` as a user asks it: first the file's definitions of the services it touches. */
export async function restartFresh(
  ctx: SupervisorContext,
  names: readonly string[],
): Promise<ActionResponse> {
  const fromFile = names.filter((name) => !ctx.oneOffs.has(name));
  if (names.length > 0 && fromFile.length === 0) {
    return await ctx.restart(names);
  }
  const { applied } = await applyFile(ctx, fromFile, {
    all: "running",
    // A group stands for its instances.
    restarts: (plan, requested) => expandNames(plan.config, requested),
  });
  return withApplied(await ctx.restart(names), applied);
}

/**
 * Reads the file and applies its definitions of the services `names`
 * touch (all autostart or all running ones when none), under the config
 * queue: what runs is always the newest read of the file. The services
 * that `restarts` names will be restarted: their new definitions are
 * checked first (restart_check.ts), and a problem applies nothing.
 */
function applyFile(
  ctx: SupervisorContext,
  names: readonly string[],
  options: {
    all: "autostart" | "running";
    restarts: (plan: FreshenPlan, requested: string[]) => string[];
  },
): Promise<
  { plan: FreshenPlan; requested: string[]; applied: ConfigApplied | null }
> {
  return ctx.source.withFile(async (disk) => {
    const requested = requestedNames(disk, {
      names,
      all: options.all,
      states: [...ctx.runners.values()].map((r) => [r.name, r.state]),
    });
    const touched = touchedServices(disk, {
      names: requested,
      running: ctx.config,
    });
    const plan = planFreshen(ctx.config, { disk, touched });
    const restarted = restartSet(ctx, options.restarts(plan, requested));
    await checkStartable(definitions(ctx, restarted, plan.config));
    const applied = appliedSummary(plan, disk.file);
    if (applied === null) return { plan, requested, applied };
    ctx.options.log.info("applying the changed config: {summary}", {
      summary: JSON.stringify(applied),
    });
    ctx.config = plan.config;
    for (const service of plan.config.services) {
      ctx.oneOffs.delete(service.name);
      const runner = ctx.runners.get(service.name);
      if (runner) runner.config = service;
      else ctx.addRunner(service);
    }
    ctx.extras.sync(ctx.config.services);
    ctx.changed();
    return { plan, requested, applied };
  });
}

function isActive(runner: ServiceRunner): boolean {
  const state = runner.state;
  return state === "running" || state === "starting" || state === "backoff";
}
