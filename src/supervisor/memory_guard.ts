import { messageOf } from "../errors.ts";
import type { ServiceConfig } from "../config/schema.ts";
import { groupMembers, resourceUsage } from "../proc/scan.ts";
import type { Log } from "./log.ts";
import type { Ticker } from "./ticker.ts";

/** Checks in a row above the limit that restart a service. */
export const MEMORY_STRIKES = 2;

const MIB_BYTES = 1024 * 1024;
const KIB_BYTES = 1024;

/**
 * The next count of checks in a row above the limit, and whether it restarts
 * the service (PM2's `max_memory_restart`, but one high reading is not
 * enough: a short peak is forgiven).
 */
export function memoryVerdict(
  strikes: number,
  reading: { rssBytes: number; limitBytes: number },
): { strikes: number; restart: boolean } {
  if (reading.rssBytes <= reading.limitBytes) {
    return { strikes: 0, restart: false };
  }
  const next = strikes + 1;
  return next >= MEMORY_STRIKES
    ? { strikes: 0, restart: true }
    : { strikes: next, restart: false };
}

/** `memory 612 MB > 512 MB` (1024-based, as `max_memory` is read). */
export function describeMemory(
  reading: { rssBytes: number; limitBytes: number },
): string {
  return `memory ${formatSize(reading.rssBytes)} > ${
    formatSize(reading.limitBytes)
  }`;
}

function formatSize(bytes: number): string {
  if (bytes >= MIB_BYTES) return `${Math.round(bytes / MIB_BYTES)} MB`;
  return `${Math.round(bytes / KIB_BYTES)} KB`;
}

/** The resident memory of a process group: the sum over its live members. */
export async function groupRssBytes(pgid: number): Promise<number> {
  const members = await groupMembers(pgid);
  const usages = await Promise.all(
    members.map((member) => resourceUsage(member.pid)),
  );
  return usages.reduce((sum, usage) => sum + (usage?.rssBytes ?? 0), 0);
}

/** What the guard needs to know of a service and do to it. */
export interface GuardedService {
  /** The PID (and process group) of its running process, or null. */
  runningPid(): number | null;
  /** Restarts it because of `cause`. */
  restart(cause: string): Promise<unknown>;
}

interface Watch {
  key: string;
  cancel: () => void;
  strikes: number;
  busy: boolean;
}

/**
 * The memory limits of a supervisor's services: every `check_interval`, on
 * the shared ticker, the RSS of each limited service's process group is
 * read; {@linkcode MEMORY_STRIKES} readings in a row above `max_memory`
 * restart it.
 */
export class MemoryGuard implements Disposable {
  #watches = new Map<string, Watch>();
  #ticker: Pick<Ticker, "every">;
  #log: Log;
  #lookup: (name: string) => GuardedService | undefined;
  #read: (pgid: number) => Promise<number>;

  constructor(options: {
    ticker: Pick<Ticker, "every">;
    log: Log;
    lookup(name: string): GuardedService | undefined;
    /** Reads a group's RSS. @default {groupRssBytes} */
    read?: (pgid: number) => Promise<number>;
  }) {
    this.#ticker = options.ticker;
    this.#log = options.log;
    this.#lookup = options.lookup;
    this.#read = options.read ?? groupRssBytes;
  }

  /** Starts, changes or ends checks so that they follow `services`. */
  sync(services: readonly ServiceConfig[]): void {
    const wanted = new Map(
      services.filter((s) => s.maxMemoryBytes !== null).map((s) => [s.name, s]),
    );
    for (const [name, watch] of this.#watches) {
      const service = wanted.get(name);
      if (service && keyOf(service) === watch.key) continue;
      watch.cancel();
      this.#watches.delete(name);
    }
    for (const [name, service] of wanted) {
      if (!this.#watches.has(name)) this.#start(service);
    }
  }

  #start(service: ServiceConfig): void {
    const limitBytes = service.maxMemoryBytes ?? Infinity;
    const watch: Watch = {
      key: keyOf(service),
      cancel: () => {},
      strikes: 0,
      busy: false,
    };
    watch.cancel = this.#ticker.every(service.checkIntervalMs, () => {
      if (watch.busy) return;
      watch.busy = true;
      this.#check(service.name, { watch, limitBytes })
        .catch((error) =>
          this.#log.error("cannot check the memory of {service}: {error}", {
            service: service.name,
            error: messageOf(error),
          })
        )
        .finally(() => watch.busy = false);
    });
    this.#watches.set(service.name, watch);
  }

  async #check(
    name: string,
    options: { watch: Watch; limitBytes: number },
  ): Promise<void> {
    const { watch, limitBytes } = options;
    const service = this.#lookup(name);
    const pid = service?.runningPid() ?? null;
    if (service === undefined || pid === null) {
      watch.strikes = 0;
      return;
    }
    const reading = { rssBytes: await this.#read(pid), limitBytes };
    const verdict = memoryVerdict(watch.strikes, reading);
    watch.strikes = verdict.strikes;
    if (!verdict.restart || service.runningPid() !== pid) return;
    await service.restart(describeMemory(reading));
  }

  /** Ends every check. */
  [Symbol.dispose](): void {
    for (const watch of this.#watches.values()) watch.cancel();
    this.#watches.clear();
  }
}

function keyOf(service: ServiceConfig): string {
  return JSON.stringify([service.maxMemoryBytes, service.checkIntervalMs]);
}
