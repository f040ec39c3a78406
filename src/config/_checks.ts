import { walkDependencies } from "./_graph.ts";
import { addProblem, type ProblemSink } from "./_problem.ts";
import type { ServiceEntry } from "./_entry.ts";
import { checkFixedPorts, checkReferences } from "./_reference_checks.ts";

/** The top level of a config after its tables were validated one by one. */
export interface ServiceTables {
  processes?: ServiceEntry[] | undefined;
  services?: ServiceEntry[] | undefined;
}

/** Where the services are: `processes`, or its alias `services`. */
export function servicesKey(config: ServiceTables): "processes" | "services" {
  return config.services !== undefined ? "services" : "processes";
}

/**
 * Checks what no single service can check alone: the alias used once,
 * unique names, dependencies that exist, no dependency cycle, references
 * to services that exist and have a port, and no fixed port asked twice.
 */
export function checkServices(config: ServiceTables, ctx: ProblemSink): void {
  if (config.processes !== undefined && config.services !== undefined) {
    addProblem(
      ctx,
      "[[services]] is an alias of [[processes]]: use one of them, not both",
    );
    return;
  }
  const key = servicesKey(config);
  const entries = config[key] ?? [];
  const clean = checkNames(entries, key, ctx) &&
    checkDependencies(entries, key, ctx);
  if (clean) checkCycles(entries, ctx);
  checkReferences(entries, key, ctx);
  checkFixedPorts(entries, key, ctx);
}

function checkNames(
  entries: readonly ServiceEntry[],
  key: string,
  ctx: ProblemSink,
): boolean {
  const first = new Map<string, number>();
  let clean = true;
  entries.forEach((entry, index) => {
    const earlier = first.get(entry.name);
    if (earlier === undefined) {
      first.set(entry.name, index);
      return;
    }
    clean = false;
    addProblem(
      ctx,
      `must be unique: "${entry.name}" is also the name of ${key}[${earlier}]`,
      { path: [key, index, "name"] },
    );
  });
  return clean;
}

function checkDependencies(
  entries: readonly ServiceEntry[],
  key: string,
  ctx: ProblemSink,
): boolean {
  const names = new Set(entries.map((entry) => entry.name));
  const known = `Known services: ${[...names].join(", ") || "none"}`;
  let clean = true;
  entries.forEach((entry, index) => {
    entry.depends_on.forEach((dep, at) => {
      const path = [key, index, "depends_on", at];
      if (dep === entry.name) {
        addProblem(ctx, "names the service itself", { path });
      } else if (!names.has(dep)) {
        addProblem(ctx, `names an unknown service "${dep}"`, {
          path,
          hint: known,
        });
      } else return;
      clean = false;
    });
  });
  return clean;
}

function checkCycles(entries: readonly ServiceEntry[], ctx: ProblemSink): void {
  const deps = new Map(entries.map((entry) => [entry.name, entry.depends_on]));
  const { cycle } = walkDependencies(
    [...deps.keys()],
    (name) => deps.get(name) ?? [],
  );
  if (cycle) {
    addProblem(ctx, `depends_on cycle: ${cycle.join(" -> ")}`, {
      hint: "Remove one of these dependencies",
    });
  }
}
