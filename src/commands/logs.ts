import { lazyImport } from "../_lazy.ts";
import type { Output } from "../output/output.ts";
import { loadWorkspaceConfig, selectNames } from "./_config.ts";
import { resolveWorkspace } from "./_workspace.ts";
import { type Context, parseCount } from "./command.ts";
import type { ArgsOf } from "./mod.ts";

/** Lines shown by default. */
const DEFAULT_LINES = 50;
/** How often a followed log is checked for new bytes. */
const FOLLOW_INTERVAL_MS = 100;

/** What `tend logs` was asked. */
export interface LogsOptions {
  /** Services named (all when empty). */
  names: string[];
  /** Lines of backlog per service. */
  lines: number;
  follow: boolean;
}

/** Parses `tend logs` arguments (the global options are ignored here). */
export function parseLogsArgs(args: ArgsOf<"logs">): LogsOptions {
  const { values, positionals } = args;
  return {
    names: positionals,
    lines: parseCount(values.lines, "-n") ?? DEFAULT_LINES,
    follow: values.follow === true,
  };
}

/** `tend logs [NAME...] [-f] [-n N]` */
export async function run(ctx: Context, args: ArgsOf<"logs">): Promise<number> {
  const options = parseLogsArgs(args);
  const ws = await resolveWorkspace(ctx);
  const config = await loadWorkspaceConfig(ws);
  const names = await selectNames(config, options.names);
  const services = names.map((name) => ({
    name,
    file: config.services.find((s) => s.name === name)!.logFile,
  }));
  const print = printer(ctx.out, {
    json: ctx.globals.json,
    prefixed: services.length > 1,
  });
  const { LogFollower } = await lazyImport<
    typeof import("../logs/follower.ts")
  >(new URL("../logs/follower.ts", import.meta.url));
  const { readBacklog } = await lazyImport<typeof import("../logs/backlog.ts")>(
    new URL("../logs/backlog.ts", import.meta.url),
  );
  const followers = [];
  for (const { name, file } of services) {
    const backlog = await readBacklog(file, { lines: options.lines });
    const lines = options.follow || backlog.partial === ""
      ? backlog.lines
      : [...backlog.lines, backlog.partial].slice(-options.lines);
    print(name, options.lines === 0 ? [] : lines);
    followers.push({
      name,
      follower: new LogFollower(file, backlog.position),
    });
  }
  if (!options.follow) return 0;
  // Runs until Ctrl-C, or until the reader of stdout goes away (`| head`).
  while (true) {
    for (const { name, follower } of followers) {
      if (!print(name, await follower.poll())) return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
  }
}

/** Prints a batch of one service's lines, with its name when there are several. */
function printer(
  out: Output,
  options: { json: boolean; prefixed: boolean },
): (name: string, lines: readonly string[]) => boolean {
  return (name, lines) => {
    if (lines.length === 0) return true;
    const shown = lines.map((line) =>
      options.json
        ? JSON.stringify({ service: name, line })
        : options.prefixed
        ? `${name} | ${line}`
        : line
    );
    return out.data(shown.join("\n"));
  };
}
