import { TendError } from "../errors.ts";
import { groupMembers } from "./scan.ts";
import { pollUntil } from "../_async.ts";

/** The first pause while a stopping group is checked; it doubles up to the max. */
const STOP_POLL_FIRST_MS = 2;
/** The longest pause between checks of a stopping group. */
const STOP_POLL_INTERVAL_MS = 50;
/** How long to wait for a group to vanish after SIGKILL. */
const KILL_CONFIRM_TIMEOUT_MS = 5_000;

/**
 * Sends `signal` to every process of group `pgid`. Returns `false` when the
 * group no longer exists. `PermissionDenied` is raised as a `TendError`.
 */
export function signalGroup(pgid: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new TendError(
        "PERMISSION_DENIED",
        `Cannot signal process group ${pgid}: it belongs to another user`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Options of {@linkcode stopGroup}. */
export interface StopGroupOptions {
  /** The first signal. @default {"SIGTERM"} */
  signal?: Deno.Signal;
  /** How long to wait after it before SIGKILL. @default {10000} */
  timeoutMs?: number;
}

/** What {@linkcode stopGroup} had to do. */
export interface StopOutcome {
  /** Whether SIGKILL was needed. */
  escalated: boolean;
}

/**
 * Stops a whole process group: `signal`, then SIGCONT (a stopped process,
 * e.g. one that got SIGSTOP, cannot act on `signal` until it runs again;
 * systemd does the same), wait up to `timeoutMs` for every member to exit,
 * then SIGKILL the group and confirm that nothing survives. Grandchildren in
 * the group are ended too.
 */
export async function stopGroup(
  pgid: number,
  options: StopGroupOptions = {},
): Promise<StopOutcome> {
  const signal = options.signal ?? "SIGTERM";
  if (!signalGroup(pgid, signal)) return { escalated: false };
  if (signal !== "SIGKILL" && signal !== "SIGCONT") {
    signalGroup(pgid, "SIGCONT");
  }
  if (await waitGroupGone(pgid, options.timeoutMs ?? 10_000)) {
    return { escalated: false };
  }
  signalGroup(pgid, "SIGKILL");
  if (await waitGroupGone(pgid, KILL_CONFIRM_TIMEOUT_MS)) {
    return { escalated: true };
  }
  throw new TendError(
    "STOP_FAILED",
    `Cannot stop process group ${pgid}: it survived SIGKILL`,
    { hint: "A process stuck in the kernel (state D) cannot be killed" },
  );
}

/** Waits until group `pgid` has no live member; `false` on timeout. */
export async function waitGroupGone(
  pgid: number,
  timeoutMs: number,
): Promise<boolean> {
  return await pollUntil(() => groupGone(pgid), {
    timeoutMs,
    intervalMs: STOP_POLL_INTERVAL_MS,
    firstIntervalMs: STOP_POLL_FIRST_MS,
  });
}

/**
 * Whether group `pgid` has no live member. `kill(-pgid, 0)` answers at once
 * when the group is empty; a group that still exists may hold only zombies
 * (children reparented to init and not yet reaped), so then /proc decides.
 */
async function groupGone(pgid: number): Promise<boolean> {
  try {
    Deno.kill(-pgid, 0 as unknown as Deno.Signal);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
  }
  return (await groupMembers(pgid)).length === 0;
}
