import {
  type Identity,
  identityMatches,
  identityMatchesNow,
} from "../proc/identity.ts";
import { groupMembers, readEnvTag } from "../proc/scan.ts";
import { groupExists } from "../proc/group.ts";
import { stopGroup } from "../proc/signal.ts";

/** Options of {@linkcode endGroup}. */
export interface EndGroupOptions {
  /** The workspace whose tag the group's members must carry. */
  root: string;
  signal: Deno.Signal;
  timeoutMs: number;
  /** Resolves when the leader, our child, exits (see stopGroup). */
  exited?: Promise<unknown> | undefined;
  /**
   * The id of the current boot, when the caller knows it (a supervisor):
   * the leader's identity is then checked with one synchronous read, not
   * two trips through the thread pool, which for 100 services stopped at
   * once delayed the first signal by tens of ms.
   */
  bootId?: string | undefined;
}

/**
 * Stops the process group led by `identity`. The group is signalled only
 * when its leader still matches the identity, or, once the leader is gone,
 * when a live member carries this workspace's `TEND_WORKSPACE` tag: a bare
 * PID is never enough.
 */
export async function endGroup(
  identity: Identity,
  options: EndGroupOptions,
): Promise<{ escalated: boolean }> {
  const pgid = identity.pid;
  // An empty group (a crashed service without children) needs no scan.
  if (!groupExists(pgid)) return { escalated: false };
  const leaderMatches = options.bootId === undefined
    ? identityMatches(identity)
    : identityMatchesNow(identity, options.bootId);
  if (!await leaderMatches && !await hasTaggedMember(pgid, options.root)) {
    return { escalated: false };
  }
  return await stopGroup(pgid, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    ...(options.exited ? { exited: options.exited } : {}),
  });
}

async function hasTaggedMember(pgid: number, root: string): Promise<boolean> {
  for (const member of await groupMembers(pgid)) {
    const tags = await readEnvTag(member.pid, ["TEND_WORKSPACE"]);
    if (tags?.TEND_WORKSPACE === root) return true;
  }
  return false;
}

/** How long a group SIGKILLed by a forced stop may take to vanish. */
const FORCED_STOP_CONFIRM_MS = 5_000;

/**
 * The signal and grace of a service's stop: its `stop_signal` and
 * `stop_timeout`, or SIGKILL at once when `force` is set (`kill`).
 *
 * @example
 * ```ts ignore
 * stopSignalOf(service, { force: true }); // { signal: "SIGKILL", timeoutMs: 5000 }
 * ```
 */
export function stopSignalOf(
  service: { stopSignal: Deno.Signal; stopTimeoutMs: number },
  options: { force?: boolean } = {},
): { signal: Deno.Signal; timeoutMs: number } {
  return options.force === true
    ? { signal: "SIGKILL", timeoutMs: FORCED_STOP_CONFIRM_MS }
    : { signal: service.stopSignal, timeoutMs: service.stopTimeoutMs };
}
