import { readBacklog } from "../logs/backlog.ts";
import { LogFollower } from "../logs/follower.ts";
import { terminalSink } from "../output/output.ts";
import { LinePrefixer } from "../output/prefixed_lines.ts";
import type { Context } from "./command.ts";
import { sleep } from "../_async.ts";

/** How often the foreground view reads the services' logs. */
const VIEW_INTERVAL_MS = 100;

/** The interleaved output of `tend up` in the foreground. */
export interface ForegroundView {
  /** The sink of tend's own log lines (marked `tend`). */
  tendLine(line: string): void;
  /** Prints what the logs still hold, then stops following. */
  stop(): Promise<void>;
}

/**
 * Follows the log file of every service from its current end and prints
 * each new line on stdout prefixed by the service's name (a follower of the
 * files the services write themselves: a slow terminal loses nothing).
 */
export async function followServices(
  ctx: Context,
  services: readonly { name: string; logFile: string }[],
): Promise<ForegroundView> {
  const prefix = new LinePrefixer(services.map((s) => s.name), {
    color: ctx.out.options.color,
  });
  const followers = await Promise.all(services.map(async (service) => {
    const { position } = await readBacklog(service.logFile, { lines: 0 });
    return {
      name: service.name,
      follower: new LogFollower(service.logFile, position),
    };
  }));
  const pollAll = async () => {
    for (const { name, follower } of followers) {
      const lines = await follower.poll().catch(() => []);
      if (lines.length === 0) continue;
      ctx.out.data(lines.map((line) => prefix.service(name, line)).join("\n"));
    }
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await pollAll();
      await sleep(VIEW_INTERVAL_MS);
    }
  })();
  return {
    tendLine: (line) => terminalSink(prefix.tend(line)),
    async stop() {
      running = false;
      await loop;
      await pollAll();
    },
  };
}
