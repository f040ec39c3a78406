import type { ServiceStatus } from "../ipc/protocol.ts";
import { resourceUsage } from "../proc/scan.ts";

/** Linux reports CPU time in ticks of 1/100 s (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;
/** A previous sample older than this is not used for a CPU figure. */
const SAMPLE_MAX_AGE_MS = 60_000;

/** CPU and memory of one process. */
export interface Usage {
  /** Percent of one core since the previous sample (or over its life). */
  cpuPercent: number | null;
  rssBytes: number | null;
}

/**
 * Samples CPU and RSS of processes on demand: CPU % is the CPU time used
 * between two `status` calls divided by the wall time between them, or,
 * without a recent sample, the average since the process started. Idle
 * costs nothing: nothing is sampled between calls.
 */
export class UsageSampler {
  #last = new Map<number, { ticks: number; at: number }>();

  /** The usage of `pid`, which started `uptimeMs` ago. */
  async sample(pid: number, options: { uptimeMs: number }): Promise<Usage> {
    const usage = await resourceUsage(pid);
    if (usage === null) return { cpuPercent: null, rssBytes: null };
    const now = Date.now();
    const previous = this.#last.get(pid);
    this.#last.set(pid, { ticks: usage.cpuTicks, at: now });
    const recent = previous && now - previous.at < SAMPLE_MAX_AGE_MS &&
      now > previous.at;
    const ticks = recent ? usage.cpuTicks - previous.ticks : usage.cpuTicks;
    const wallMs = recent ? now - previous.at : options.uptimeMs;
    return { cpuPercent: cpuPercent(ticks, wallMs), rssBytes: usage.rssBytes };
  }

  /** Forgets processes that are not in `live`. */
  prune(live: ReadonlySet<number>): void {
    for (const pid of this.#last.keys()) {
      if (!live.has(pid)) this.#last.delete(pid);
    }
  }
}

/** CPU % of one core for `ticks` of CPU time over `wallMs`, one decimal. */
export function cpuPercent(ticks: number, wallMs: number): number | null {
  if (wallMs <= 0) return null;
  const percent = (ticks / TICKS_PER_SECOND) * 1000 / wallMs * 100;
  return Math.round(percent * 10) / 10;
}

/** Fills in CPU and RSS of every view that has a live PID. */
export async function addUsage(
  views: readonly ServiceStatus[],
  sampler: UsageSampler,
): Promise<ServiceStatus[]> {
  const now = Date.now();
  const out = await Promise.all(views.map(async (view) => {
    if (view.pid === null || view.status === "stale") return view;
    const uptimeMs = view.startedAt === null
      ? 0
      : now - Date.parse(view.startedAt);
    return { ...view, ...await sampler.sample(view.pid, { uptimeMs }) };
  }));
  sampler.prune(
    new Set(out.flatMap((view) => view.pid === null ? [] : [view.pid])),
  );
  return out;
}
