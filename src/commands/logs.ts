import { lazyImport } from "../_lazy.ts";
import type { Output } from "../output/output.ts";
import { logSources } from "../api/logs.ts";
import { resolveWorkspace } from "../client/workspace.ts";
import { type Context, parseCount } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** Lines shown by default. */
const DEFAULT_LINES = 50;

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
  const services = await logSources(ws, options.names, {
    onFallback: (why) => ctx.out.note(`${why}; showing the logs in .tend/log`),
  });
  const print = printer(ctx.out, {
    json: ctx.globals.json,
    prefixed: services.length > 1,
  });
  const { streamLogs } = await lazyImport<typeof import("../logs/stream.ts")>(
    new URL("../logs/stream.ts", import.meta.url),
  );
  // With -f this runs until Ctrl-C, or until the reader of stdout goes away
  // (`| head`).
  for await (const batch of streamLogs(services, options)) {
    if (!print(batch.service, batch.lines)) return 0;
  }
  return 0;
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
