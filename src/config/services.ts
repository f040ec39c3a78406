import { TendError } from "../errors.ts";
import { walkDependencies } from "./_graph.ts";
import type { Config, ServiceConfig } from "./schema.ts";

/**
 * The service instance called `name` (`"web"`, or `"web.1"` when the service
 * has several instances), or undefined when there is none.
 */
export function serviceByName(
  config: Config,
  name: string,
): ServiceConfig | undefined {
  return config.services.find((service) => service.name === name);
}

/**
 * Turns names typed by a user into instance names: an instance name stands
 * for itself, a service name for all its instances. Keeps the order given,
 * without repeats. Throws an `UNKNOWN_SERVICE` {@linkcode TendError} for a
 * name that is neither.
 *
 * @example
 * ```ts
 * import type { Config } from "./schema.ts";
 * declare const config: Config;
 * expandNames(config, ["web", "db"]); // ["web.0", "web.1", "db"]
 * ```
 */
export function expandNames(
  config: Config,
  names: readonly string[],
): string[] {
  const byGroup = new Map<string, string[]>();
  const byName = new Set<string>();
  for (const service of config.services) {
    byName.add(service.name);
    const group = byGroup.get(service.group);
    if (group) group.push(service.name);
    else byGroup.set(service.group, [service.name]);
  }
  const expanded = new Set<string>();
  for (const name of names) {
    const matches = byName.has(name) ? [name] : byGroup.get(name);
    if (!matches) throw unknownService(config, name);
    for (const match of matches) expanded.add(match);
  }
  return [...expanded];
}

/**
 * The instances to start for `names`, each after everything it depends on
 * (transitively, named or not). Stop in the reverse order.
 *
 * @example
 * ```ts
 * import type { Config } from "./schema.ts";
 * declare const config: Config;
 * dependencyOrder(config, ["web"]); // ["db", "web"] when web depends on db
 * ```
 */
export function dependencyOrder(
  config: Config,
  names: readonly string[],
): string[] {
  const byName = new Map(config.services.map((s) => [s.name, s]));
  return walkDependencies(
    expandNames(config, names),
    (name) => byName.get(name)?.dependsOn ?? [],
  ).order;
}

/**
 * The `UNKNOWN_SERVICE` error for `name`, with the known services of
 * `config` as its hint.
 */
export function unknownService(config: Config, name: string): TendError {
  const groups = [...new Set(config.services.map((s) => s.group))];
  const hint = groups.length === 0
    ? `No services are configured in "${config.file}"`
    : `Known services: ${groups.map(describeGroup(config)).join(", ")}`;
  return new TendError(
    "UNKNOWN_SERVICE",
    `Cannot find service "${name}" in "${config.file}"`,
    { hint },
  );
}

function describeGroup(config: Config): (group: string) => string {
  return (group) => {
    const instances = config.services.filter((s) => s.group === group);
    if (instances.length === 1) return group;
    const first = instances[0]?.name;
    const last = instances.at(-1)?.name;
    return `${group} (${first} to ${last})`;
  };
}
