/** What {@linkcode walkDependencies} found. */
export interface DependencyWalk {
  /** Every node reached, each after its dependencies. */
  order: string[];
  /** The first cycle met, as `[a, b, a]`, if any. */
  cycle: string[] | undefined;
}

/**
 * Walks `roots` and everything they depend on, depth first, so that every
 * node comes after its dependencies. Stops at the first cycle.
 */
export function walkDependencies(
  roots: readonly string[],
  depsOf: (node: string) => readonly string[],
): DependencyWalk {
  const done = new Set<string>();
  const stack: string[] = [];
  const order: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (done.has(node)) return undefined;
    const seen = stack.indexOf(node);
    if (seen >= 0) return [...stack.slice(seen), node];
    stack.push(node);
    for (const dep of depsOf(node)) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(node);
    order.push(node);
    return undefined;
  };
  for (const root of roots) {
    const cycle = visit(root);
    if (cycle) return { order, cycle };
  }
  return { order, cycle: undefined };
}
