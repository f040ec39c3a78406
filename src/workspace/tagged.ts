import { isDeadState } from "../proc/alive.ts";
import { type Identity, identityMatches } from "../proc/identity.ts";
import { listProcesses, type ProcessInfo, readEnvTag } from "../proc/scan.ts";
import type { OrphanProcess } from "../ipc/protocol.ts";
import { TendError } from "../errors.ts";
import { pollUntil } from "../_async.ts";

/** How often ending orphans are checked for exit. */
const ORPHAN_POLL_INTERVAL_MS = 20;
/** How long to wait for orphans to vanish after SIGKILL. */
const KILL_CONFIRM_TIMEOUT_MS = 5_000;

/** The environment variables a service is tagged with. */
const TAG_KEYS: readonly string[] = ["TEND_WORKSPACE", "TEND_SERVICE", "PORT"];

/** An orphan found by {@linkcode findOrphans}, with what it takes to end it safely. */
export interface Orphan extends OrphanProcess {
  identity: Identity;
}

/** A live process of this user carrying this workspace's tag. */
interface TaggedProcess {
  info: ProcessInfo;
  tags: Record<string, string>;
  identity: Identity;
}

/**
 * The scan behind {@linkcode findOrphans} and
 * {@linkcode listTaggedLeaders}: live processes of this user, other than this one,
 * whose environment carries `TEND_WORKSPACE=root`. Never matches by name.
 */
async function scanTagged(
  root: string,
  bootId: string,
): Promise<TaggedProcess[]> {
  const uid = Deno.uid();
  const found: TaggedProcess[] = [];
  for (const info of await listProcesses()) {
    if (isDeadState(info.state) || info.pid === Deno.pid) continue;
    if (uid !== null && info.uid !== uid) continue;
    const tags = await readEnvTag(info.pid, TAG_KEYS);
    if (tags?.TEND_WORKSPACE !== root) continue;
    const identity = { pid: info.pid, startTicks: info.startTicks, bootId };
    found.push({ info, tags, identity });
  }
  return found;
}

/** A process-group leader carrying this workspace's tag. */
export interface TaggedLeader {
  identity: Identity;
  /** Its `TEND_SERVICE` tag. */
  service: string;
  /** The `PORT` it was given, if any. */
  port: number | null;
}

/**
 * Process-group leaders of this user whose environment carries this
 * workspace's `TEND_WORKSPACE` tag and a `TEND_SERVICE` name. A tag is no
 * proof of being that service (a service's children and daemons inherit
 * it): the caller must match a record tend wrote.
 */
export async function listTaggedLeaders(
  root: string,
  bootId: string,
): Promise<TaggedLeader[]> {
  const leaders: TaggedLeader[] = [];
  for (const { info, tags, identity } of await scanTagged(root, bootId)) {
    const service = tags.TEND_SERVICE;
    if (info.pid !== info.pgrp || !service) continue;
    const port = Number(tags.PORT);
    leaders.push({
      identity,
      service,
      port: Number.isInteger(port) && port > 0 ? port : null,
    });
  }
  return leaders;
}

/**
 * Processes of this user that carry this workspace's `TEND_WORKSPACE` tag
 * but belong to no tracked process group: grandchildren or daemons left by a
 * service, or services whose record was lost. Such a process is never
 * adopted as a service: only a recorded identity is. Never matches by name; a
 * process of another user or another workspace is never listed.
 */
export async function findOrphans(
  root: string,
  options: { tracked: ReadonlySet<number>; bootId: string },
): Promise<Orphan[]> {
  const orphans: Orphan[] = [];
  for (
    const { info, tags, identity } of await scanTagged(root, options.bootId)
  ) {
    if (options.tracked.has(info.pgrp)) continue;
    orphans.push({
      pid: info.pid,
      pgid: info.pgrp,
      service: tags.TEND_SERVICE ?? null,
      command: info.command,
      identity,
    });
  }
  return orphans;
}

/**
 * Ends orphans one PID at a time (never their whole group, which may hold
 * processes without the tag): `signal`, up to `timeoutMs`, then SIGKILL to
 * those whose identity still matches. Returns the PIDs that needed SIGKILL.
 */
export async function endOrphans(
  orphans: readonly Orphan[],
  options: { signal: Deno.Signal; timeoutMs: number },
): Promise<number[]> {
  for (const orphan of orphans) send(orphan.pid, options.signal);
  let alive: readonly Orphan[] = orphans;
  await pollUntil(async () => (alive = await stillAlive(alive)).length === 0, {
    timeoutMs: options.timeoutMs,
    intervalMs: ORPHAN_POLL_INTERVAL_MS,
  });
  for (const orphan of alive) send(orphan.pid, "SIGKILL");
  let survivors: readonly Orphan[] = alive;
  await pollUntil(
    async () => (survivors = await stillAlive(survivors)).length === 0,
    { timeoutMs: KILL_CONFIRM_TIMEOUT_MS, intervalMs: ORPHAN_POLL_INTERVAL_MS },
  );
  if (survivors.length > 0) {
    throw new TendError(
      "STOP_FAILED",
      `Cannot end orphan pid ${survivors[0]!.pid}: it survived SIGKILL`,
      { hint: "A process stuck in the kernel (state D) cannot be killed" },
    );
  }
  return alive.map((orphan) => orphan.pid);
}

async function stillAlive(orphans: readonly Orphan[]): Promise<Orphan[]> {
  const alive: Orphan[] = [];
  for (const orphan of orphans) {
    if (await identityMatches(orphan.identity)) alive.push(orphan);
  }
  return alive;
}

function send(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch {
    // Gone already, or not ours to signal.
  }
}
