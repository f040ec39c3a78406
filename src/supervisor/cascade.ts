/**
 * The services that must stop because services in `selected` stop: every
 * active service that depends on one of them, directly or through another
 * such service. Each is mapped to the service it depends on that brought it
 * in (for "stopped "web" (depends on "redis")").
 */
export function activeDependents(
  selected: ReadonlySet<string>,
  options: {
    /** For each service, the services that depend on it. */
    dependents: ReadonlyMap<string, readonly string[]>;
    /** Whether a service runs, starts or waits to restart. */
    isActive(name: string): boolean;
  },
): Map<string, string> {
  const found = new Map<string, string>();
  const queue = [...selected];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const dependent of options.dependents.get(name) ?? []) {
      if (selected.has(dependent) || found.has(dependent)) continue;
      if (!options.isActive(dependent)) continue;
      found.set(dependent, name);
      queue.push(dependent);
    }
  }
  return found;
}
