import type { Config, ServiceConfig } from "../config/schema.ts";
import { dependencyOrder, expandNames } from "../config/services.ts";
import type { ActionResponse, ActionResult } from "../ipc/protocol.ts";
import { restartResults } from "./action_results.ts";
import { checkStartable } from "./restart_check.ts";
import { activeDependents } from "./cascade.ts";
import { runOrdered } from "./ordered.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/** How long starts stay refused after a closing stop if no shutdown follows. */
const CLOSING_REOPEN_MS = 10_000;

/**
 * Stops the named services (all when none), dependents first; `force`
 * SIGKILLs each process group at once. `closing`: a shutdown follows, so
 * starts are refused from now on.
 */
export async function stop(
  ctx: SupervisorContext,
  names: readonly string[],
  options: { force?: boolean | undefined; closing?: boolean } = {},
): Promise<ActionResponse> {
  const known = ctx.oneOffs.merged(ctx.config);
  await ctx.source.checkKnown(names, known);
  const force = options.force === true;
  if (options.closing !== true) {
    return await stopSelected(ctx, names, { force, known });
  }
  ctx.gate.close({ final: false });
  try {
    return await stopSelected(ctx, names, { force, known });
  } finally {
    ctx.gate.reopenAfter(CLOSING_REOPEN_MS);
  }
}

/**
 * The stop itself. Services that depend on a named one and are active
 * stop first too, each result saying which one it depends on.
 */
async function stopSelected(
  ctx: SupervisorContext,
  names: readonly string[],
  options: { force: boolean; known: Config },
): Promise<ActionResponse> {
  const { known } = options;
  const selected = new Set(
    names.length === 0 ? ctx.runners.keys() : expandNames(known, [...names]),
  );
  const dependents = dependentsOf(ctx);
  const cascade = cascadeOf(ctx, selected, dependents);
  for (const name of cascade.keys()) selected.add(name);
  const order = dependencyOrder(known, [...selected])
    .filter((name) => selected.has(name))
    .reverse();
  const results = await runOrdered(order, {
    before: (name) => dependents.get(name) ?? [],
    proceedOnFailure: true,
    run: async (name): Promise<ActionResult> => {
      const runner = ctx.runner(name);
      const action = await runner.stop({ force: options.force });
      const dependsOn = cascade.get(name);
      const result: ActionResult = {
        name,
        action,
        service: ctx.view(runner),
        ...(dependsOn === undefined ? {} : { dependsOn }),
      };
      if (action === "stopped" && runner.killed) result.killed = true;
      return result;
    },
  });
  return { results };
}

/**
 * The running services a restart of `names` would stop: those of `names`
 * that are active (a stopped or failed one has no running copy to lose),
 * and the active services that depend on them.
 */
export function restartSet(
  ctx: SupervisorContext,
  names: readonly string[],
): string[] {
  return [
    ...names.filter((name) => isActive(ctx, name)),
    ...cascadeOf(ctx, new Set(names)).keys(),
  ];
}

/** The definitions of `names`: `config`'s, else those the runners hold. */
export function definitions(
  ctx: SupervisorContext,
  names: readonly string[],
  config?: Config,
): ServiceConfig[] {
  const planned = new Map(config?.services.map((s) => [s.name, s]));
  return names.flatMap((name) => {
    const service = planned.get(name) ?? ctx.runners.get(name)?.config;
    return service === undefined ? [] : [service];
  });
}

/** The active services that depend on `selected`, each with the one it depends on. */
function cascadeOf(
  ctx: SupervisorContext,
  selected: ReadonlySet<string>,
  dependents: ReadonlyMap<string, readonly string[]> = dependentsOf(ctx),
): Map<string, string> {
  return activeDependents(selected, {
    dependents,
    isActive: (name) => isActive(ctx, name),
  });
}

/** Whether service `name` runs, starts or waits to restart. */
function isActive(ctx: SupervisorContext, name: string): boolean {
  const state = ctx.runners.get(name)?.state;
  return state === "running" || state === "starting" || state === "backoff";
}

/** For each service, the services that depend on it. */
function dependentsOf(ctx: SupervisorContext): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const runner of ctx.runners.values()) {
    for (const dependency of runner.config.dependsOn) {
      const list = dependents.get(dependency);
      if (list) list.push(runner.name);
      else dependents.set(dependency, [runner.name]);
    }
  }
  return dependents;
}

/**
 * Stops then starts the named services (all when none). Active services
 * that depend on them are stopped first and started again once they are
 * ready.
 */
export async function restart(
  ctx: SupervisorContext,
  names: readonly string[],
): Promise<ActionResponse> {
  ctx.gate.check(ctx.options.paths.root);
  const selected = names.length === 0
    ? [...ctx.runners.values()].filter((r) => r.state !== "stopped").map((
      r,
    ) => r.name)
    : expandNames(ctx.oneOffs.merged(ctx.config), [...names]);
  // Nothing runs: a restart of everything starts every autostart service.
  if (selected.length === 0) return await ctx.start([]);
  await checkStartable(definitions(ctx, restartSet(ctx, selected)));
  const stopped = await ctx.stop(selected);
  const cascade = new Map<string, string>();
  for (const result of stopped.results) {
    if (result.dependsOn !== undefined && result.action === "stopped") {
      cascade.set(result.name, result.dependsOn);
    }
  }
  const again = [...selected, ...cascade.keys()];
  const started = await ctx.start(again);
  const results = restartResults(started.results, new Set(again))
    .map((result): ActionResult => {
      const dependsOn = cascade.get(result.name);
      return dependsOn === undefined ? result : { ...result, dependsOn };
    });
  return { results };
}
