import { type Identity, identityMatches } from "../proc/identity.ts";
import { pollUntil } from "../_async.ts";

/** How long a supervisor that does not answer gets to exit after SIGTERM. */
const RETIRE_TERM_TIMEOUT_MS = 3_000;
/** How long to wait for it to vanish after SIGKILL. */
const RETIRE_KILL_TIMEOUT_MS = 5_000;
/** How often its exit is checked. */
const RETIRE_POLL_INTERVAL_MS = 25;

/** Options of {@linkcode retireSupervisor}. */
export interface RetireOptions {
  /** Wait after SIGTERM before SIGKILL. @default {3000} */
  termTimeoutMs?: number;
}

/**
 * Ends a supervisor that holds the lock but does not answer (stopped with
 * SIGSTOP, or hung): SIGTERM, then SIGCONT so a stopped one can act on it,
 * then SIGKILL after `termTimeoutMs`. Every signal goes to the PID only
 * while `identity` (from supervisor.json) still matches, never to a bare
 * PID. Returns the last signal it took (`null` when it was gone already).
 * The kernel releases its flock when it exits, before it is even a zombie.
 */
export async function retireSupervisor(
  identity: Identity,
  options: RetireOptions = {},
): Promise<"SIGTERM" | "SIGKILL" | null> {
  if (!await signalIfSame(identity, "SIGTERM")) return null;
  await signalIfSame(identity, "SIGCONT");
  const term = options.termTimeoutMs ?? RETIRE_TERM_TIMEOUT_MS;
  if (await waitGone(identity, term)) return "SIGTERM";
  await signalIfSame(identity, "SIGKILL");
  await waitGone(identity, RETIRE_KILL_TIMEOUT_MS);
  return "SIGKILL";
}

/** Sends `signal` to the process while it is `identity`; false when gone. */
async function signalIfSame(
  identity: Identity,
  signal: Deno.Signal,
): Promise<boolean> {
  if (!await identityMatches(identity)) return false;
  try {
    Deno.kill(identity.pid, signal);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Waits until the process is gone (or a zombie); false on timeout. */
async function waitGone(
  identity: Identity,
  timeoutMs: number,
): Promise<boolean> {
  return await pollUntil(async () => !await identityMatches(identity), {
    timeoutMs,
    intervalMs: RETIRE_POLL_INTERVAL_MS,
  });
}
