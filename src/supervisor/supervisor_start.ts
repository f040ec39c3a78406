import { dependencyOrder, expandNames } from "../config/services.ts";
import type {
  ActionResponse,
  ActionResult,
  StartRequest,
} from "../ipc/protocol.ts";
import { dependencyFailed, failedResult } from "./action_results.ts";
import { holdSpawning } from "./launch.ts";
import { runOrdered } from "./ordered.ts";
import type { StartTicket } from "./pending_starts.ts";
import type { SupervisorContext } from "./supervisor_context.ts";

/** Starts the named services (all autostart ones when none) and their dependencies. */
export async function start(
  ctx: SupervisorContext,
  names: readonly string[],
  options: Partial<Omit<StartRequest, "names">> = {},
): Promise<ActionResponse> {
  ctx.gate.check(ctx.options.paths.root);
  const order = startOrder(ctx, names);
  const named = new Set(
    names.length === 0
      ? []
      : expandNames(ctx.oneOffs.merged(ctx.config), [...names]),
  );
  if (options.wait === false) {
    void ctx.start(names).catch((error) => ctx.logError("start", error));
    return {
      results: order.map((name) => {
        const runner = ctx.runner(name);
        const view = ctx.view(runner);
        const done = runner.state === "completed" && !named.has(name);
        return runner.state === "running" || done
          ? { name, action: "already-running", service: view }
          : {
            name,
            action: "started",
            service: { ...view, status: "starting" },
          };
      }),
    };
  }
  using _spawning = holdSpawning();
  // Reserved now, so that a stop while a start waits for its
  // dependencies cancels it.
  const tickets = new Map(
    order.map((name) => [name, ctx.runner(name).reserveStart()]),
  );
  try {
    const done = new Map<string, ActionResult>();
    const results = await runOrdered(order, {
      before: (name) => ctx.runner(name).config.dependsOn,
      proceedOnFailure: true,
      run: async (name): Promise<ActionResult> => {
        const result = await startOne(ctx, name, {
          done,
          named,
          ticket: tickets.get(name),
        });
        done.set(name, result);
        return result;
      },
    });
    return { results };
  } finally {
    for (const [name, ticket] of tickets) {
      ctx.runners.get(name)?.releaseStart(ticket);
    }
  }
}

/** Starts one service; a failure (its own, or a dependency's) is its result. */
async function startOne(
  ctx: SupervisorContext,
  name: string,
  options: {
    done: ReadonlyMap<string, ActionResult>;
    named: ReadonlySet<string>;
    ticket: StartTicket | undefined;
  },
): Promise<ActionResult> {
  const runner = ctx.runner(name);
  const failedDependency = runner.config.dependsOn.find((dependency) =>
    options.done.get(dependency)?.action === "failed"
  );
  if (failedDependency !== undefined) {
    return failedResult(name, {
      service: ctx.view(runner),
      error: dependencyFailed(name, failedDependency),
    });
  }
  try {
    // A job that completed is run again only when named.
    const action = runner.state === "completed" && !options.named.has(name)
      ? "already-running"
      : await runner.start({ ticket: options.ticket });
    const result: ActionResult = {
      name,
      action,
      service: ctx.view(runner),
    };
    const revivedAt = runner.revivedAt;
    if (action === "already-running" && revivedAt !== null) {
      result.restartedAgoMs = Math.max(0, Date.now() - revivedAt);
    }
    return result;
  } catch (error) {
    return failedResult(name, { service: ctx.view(runner), error });
  }
}

function startOrder(
  ctx: SupervisorContext,
  names: readonly string[],
): string[] {
  const known = ctx.oneOffs.merged(ctx.config);
  const selected = names.length === 0
    ? ctx.config.services.filter((s) => s.autostart).map((s) => s.name)
    : expandNames(known, [...names]);
  return dependencyOrder(known, selected);
}

/**
 * `name` became ready on `port`: restarts the running services that use it
 * and were launched with another port.
 */
export function restartMoved(
  ctx: SupervisorContext,
  ready: { name: string; port: number | null },
): void {
  const { name, port } = ready;
  const running = [...ctx.runners.values()]
    .filter((runner) => runner.state === "running")
    .map((runner) => runner.config);
  const self = ctx.runners.get(name);
  const stale = self ? ctx.references.stale(self.config) : null;
  const moved = ctx.references.moved(name, { port, running });
  for (const move of stale ? [stale, ...moved] : moved) {
    ctx.options.log.info(
      "restarting {service}: {dependency} moved from port {from} to {to}",
      { ...move, service: move.name },
    );
    void ctx.restart([move.name]).catch((error) =>
      ctx.logError(move.name, error)
    );
  }
}
