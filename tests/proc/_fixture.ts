import { firstLine as firstLineWithin } from "../_helpers.ts";
/** How long a fixture may take to start on a loaded machine. */
export const READY_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 10;

/**
 * Polls `probe` until it returns a value other than `undefined`, failing at
 * the deadline. `why` names the awaited event in the error.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  why: string,
): Promise<T> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`${why}: still waiting after ${READY_TIMEOUT_MS} ms`);
}

/** The first line of `stream`, which is then cancelled; with a deadline. */
export function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  return firstLineWithin(stream, READY_TIMEOUT_MS);
}

/**
 * Returns an idempotent killer of `child`: SIGKILL to it (to its whole
 * process group when `group`) and to the `extra` PIDs, then await its exit.
 * A second call does nothing, so a reaped PID is never signalled again.
 */
export function fixtureKiller(
  child: Deno.ChildProcess,
  options: { group: boolean; extra?: () => number | null },
): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => done ??= killNow(child, options);
}

async function killNow(
  child: Deno.ChildProcess,
  options: { group: boolean; extra?: () => number | null },
): Promise<void> {
  const targets = [options.group ? -child.pid : child.pid];
  const extra = options.extra?.() ?? null;
  if (extra !== null) targets.push(extra);
  for (const target of targets) {
    try {
      Deno.kill(target, "SIGKILL");
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  await child.status;
}
