import { dependencyOrder } from "../config/services.ts";
import type { ActionResult, ReloadResponse } from "../ipc/protocol.ts";
import { failedResult, restartResults } from "./action_results.ts";
import { diffServices } from "./diff.ts";
import { checkStartable } from "./restart_check.ts";
import { definitions } from "./supervisor_stop.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/** Re-reads the config and applies only the difference. */
export function reload(ctx: SupervisorContext): Promise<ReloadResponse> {
  ctx.gate.check(ctx.options.paths.root);
  return ctx.source.queued(() => reloadNow(ctx));
}

async function reloadNow(ctx: SupervisorContext): Promise<ReloadResponse> {
  const next = await ctx.options.loadConfig();
  const diff = diffServices(ctx.config.services, next.services);
  // A changed service that runs is stopped and started again: a start its
  // new definition could not make refuses the reload, which applies nothing.
  await checkStartable(definitions(ctx, runningOf(ctx, diff.changed), next));
  const previous = ctx.config;
  ctx.config = next;
  ctx.options.log.info("reloading config: {summary}", {
    summary: JSON.stringify(diff),
  });
  const results: ActionResult[] = [];
  const removedOrder = dependencyOrder(previous, diff.removed).reverse();
  for (const name of removedOrder) {
    const runner = ctx.runners.get(name);
    if (!runner) continue;
    results.push(
      await runner.stop().then(
        (action): ActionResult => ({
          name,
          action,
          service: ctx.view(runner),
        }),
        (error) => failedResult(name, { service: ctx.view(runner), error }),
      ),
    );
    runner.detach();
    ctx.runners.delete(name);
  }
  for (const service of next.services) {
    ctx.oneOffs.delete(service.name);
    const runner = ctx.runners.get(service.name);
    if (runner) runner.config = service;
    else ctx.addRunner(service);
  }
  ctx.extras.sync(next.services);
  for (const result of await restartChanged(ctx, diff.changed)) {
    results.push(result);
  }
  const toStart = diff.added.filter((name) =>
    ctx.runner(name).config.autostart
  );
  if (toStart.length > 0) {
    const started = await ctx.start(toStart);
    const named = new Set(toStart);
    results.push(
      ...started.results.filter((r) =>
        named.has(r.name) || r.action !== "already-running"
      ),
    );
  }
  ctx.changed();
  return { ...diff, results };
}

/** Restarts the changed services that run; returns what happened to each. */
async function restartChanged(
  ctx: SupervisorContext,
  names: readonly string[],
): Promise<ActionResult[]> {
  const running = runningOf(ctx, names);
  if (running.length === 0) return [];
  await ctx.stop(running).catch((error) => ctx.logError("reload", error));
  const started = await ctx.start(running);
  return restartResults(started.results, new Set(running));
}

/** Those of `names` whose service runs, starts or waits to restart. */
function runningOf(ctx: SupervisorContext, names: readonly string[]): string[] {
  return names.filter((name) => {
    const state = ctx.runners.get(name)?.state;
    return state === "running" || state === "starting" || state === "backoff";
  });
}
