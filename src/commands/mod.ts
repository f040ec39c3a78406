import type { Command } from "./command.ts";
import { cleanup } from "./cleanup.ts";
import { down } from "./down.ts";
import { init } from "./init.ts";
import { logs } from "./logs.ts";
import { reload } from "./reload.ts";
import { restart } from "./restart.ts";
import { start } from "./start.ts";
import { status } from "./status.ts";
import { stop } from "./stop.ts";
import { supervise } from "./supervise.ts";
import { up } from "./up.ts";

/** Every command, by name: the one list that help and dispatch both read. */
export const commands: ReadonlyMap<string, Command> = new Map(
  [
    init,
    up,
    down,
    start,
    stop,
    restart,
    status,
    logs,
    reload,
    cleanup,
    supervise,
  ].map((
    c,
  ) => [c.name, c]),
);

/** `tend --help` */
export function helpText(): string {
  const visible = [...commands.values()].filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length));
  return `tend keeps a workspace's background services running.

Usage: tend [OPTIONS] COMMAND [ARGS]

Commands:
${visible.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Options (before or after the command):
  -C, --workspace DIR  the workspace (default: walk up to tend.toml)
  -c, --config FILE    the config file
      --json           machine output on stdout
  -q, --quiet          no notices on stderr
      --no-color       no colour (also NO_COLOR)
  -h, --help           help (tend COMMAND --help for a command)
      --version        print the version

Run "tend COMMAND --help" for a command's options.`;
}

/** `tend COMMAND --help` */
export function commandHelp(command: Command): string {
  return `Usage: ${command.usage}`;
}

/** The known command closest to a mistyped one, for "did you mean". */
export function suggest(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const known of commands.keys()) {
    if (known.startsWith("_")) continue;
    const distance = editDistance(name, known);
    if (distance <= 2 && (!best || distance < best.distance)) {
      best = { name: known, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
