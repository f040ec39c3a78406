import { TendError } from "../errors.ts";
import { groupExists } from "./group.ts";
import { parseStat } from "./_stat.ts";
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

const IS_LINUX = Deno.build.os === "linux";
/** How long one scan of /proc answers every group polled meanwhile. */
const SHARED_SCAN_MS = 2;
let lastScan: { at: number; groups: Set<number> } | null = null;

/**
 * The process groups that have a live (not zombie) member, from one
 * synchronous scan of /proc shared by every group polled within
 * `SHARED_SCAN_MS`: 100 groups stopping at once whose leaders are zombies
 * (adopted services, reaped by init) cost one scan a round, not 100. A group
 * missing from it is gone for good: only a live member can add one.
 */
function groupsWithLiveMembers(): Set<number> {
  const now = performance.now();
  if (lastScan !== null && now - lastScan.at < SHARED_SCAN_MS) {
    return lastScan.groups;
  }
  const groups = new Set<number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = parseStat(
        Deno.readTextFileSync(`/proc/${entry.name}/stat`),
      );
      if (stat !== null && stat.state !== "Z" && stat.state !== "X") {
        groups.add(stat.pgrp);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  lastScan = { at: performance.now(), groups };
  return groups;
}

/**
 * Whether the leader of group `pgid` still runs in it: one synchronous read
 * of its stat, so that many groups stopping at once (adopted services, whose
 * exits are not events) are polled without a /proc scan each.
 */
function leaderLives(pgid: number): boolean {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pgid}/stat`);
  } catch {
    return false;
  }
  const stat = parseStat(text);
  return stat !== null && stat.pgrp === pgid && stat.state !== "Z" &&
    stat.state !== "X";
}

/** Options of {@linkcode stopGroup}. */
export interface StopGroupOptions {
  /** The first signal. @default {"SIGTERM"} */
  signal?: Deno.Signal;
  /** How long to wait after it before SIGKILL. @default {10000} */
  timeoutMs?: number;
  /**
   * Resolves when the group's leader (our child) has exited: the wait is
   * then on that event, and the group is looked at once it came, instead of
   * polling from the start.
   */
  exited?: Promise<unknown>;
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
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  if (options.exited) await settledWithin(options.exited, timeoutMs);
  if (await waitGroupGone(pgid, Math.max(0, deadline - Date.now()))) {
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

/** Waits for `promise` to settle, or `ms` to pass, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  try {
    await Promise.race([promise.catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
  }
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
  if (!groupExists(pgid)) return true;
  if (leaderLives(pgid)) return false;
  if (IS_LINUX) return !groupsWithLiveMembers().has(pgid);
  return (await groupMembers(pgid)).length === 0;
}
