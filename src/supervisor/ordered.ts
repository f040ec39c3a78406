/**
 * How many services are started or stopped at the same time by default: all
 * of them. A start is mostly waiting (for readiness) and a stop mostly
 * waiting for exits; both are awaited concurrently, so 100 services start in
 * about the time of the slowest one, not in rounds.
 */
export const ORDERED_CONCURRENCY = Infinity;

/** Options of {@linkcode runOrdered}. */
export interface RunOrderedOptions<T> {
  /** The names that must be done before `name` starts (others are ignored). */
  before(name: string): readonly string[];
  /** The operation on one name. */
  run(name: string): Promise<T>;
  /** Run `name` even when something it waits for failed. @default {false} */
  proceedOnFailure?: boolean;
  /** Most operations at once. @default {ORDERED_CONCURRENCY} */
  limit?: number;
}

/**
 * Runs `run` for every name, each after the names it waits for, otherwise
 * concurrently (at most `limit` at a time). Resolves with the results in the
 * order of `names`; when some failed, rejects with the first failure in that
 * order once everything has settled.
 */
export async function runOrdered<T>(
  names: readonly string[],
  options: RunOrderedOptions<T>,
): Promise<T[]> {
  const selected = new Set(names);
  const slots = semaphore(options.limit ?? ORDERED_CONCURRENCY);
  const tasks = new Map<string, Promise<T>>();
  const taskOf = (name: string): Promise<T> => {
    const existing = tasks.get(name);
    if (existing) return existing;
    const waits = options.before(name).filter((n) =>
      selected.has(n) && n !== name
    );
    const task = (async () => {
      const settled = await Promise.allSettled(waits.map(taskOf));
      const failed = settled.find((s) => s.status === "rejected");
      if (failed && !options.proceedOnFailure) throw failed.reason;
      return await slots(() => options.run(name));
    })();
    tasks.set(name, task);
    return task;
  };
  const settled = await Promise.allSettled(names.map(taskOf));
  const failure = settled.find((s) => s.status === "rejected");
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

function semaphore(limit: number): <R>(op: () => Promise<R>) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (op) => {
    if (active >= limit) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    active++;
    try {
      return await op();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
