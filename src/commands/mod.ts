import { INFO, type Name } from "./_info.ts";
import { type CommandSpec, defineCommand, type Run } from "./command.ts";
import { lazyImport } from "../_lazy.ts";

/**
 * Each command's code (`./<name>.ts`, exporting `run`), loaded only when it
 * runs, so `tend status` never pays for `tend up`. The compiler checks each
 * `run` against the options its command declares.
 */
const LOADERS: {
  readonly [N in Name]: () => Promise<
    { run: Run<(typeof INFO)[N]["options"]> }
  >;
} = {
  init: () =>
    lazyImport<typeof import("./init.ts")>(
      new URL("./init.ts", import.meta.url),
    ),
  up: () =>
    lazyImport<typeof import("./up.ts")>(new URL("./up.ts", import.meta.url)),
  down: () =>
    lazyImport<typeof import("./down.ts")>(
      new URL("./down.ts", import.meta.url),
    ),
  start: () =>
    lazyImport<typeof import("./start.ts")>(
      new URL("./start.ts", import.meta.url),
    ),
  run: () =>
    lazyImport<typeof import("./run.ts")>(new URL("./run.ts", import.meta.url)),
  stop: () =>
    lazyImport<typeof import("./stop.ts")>(
      new URL("./stop.ts", import.meta.url),
    ),
  restart: () =>
    lazyImport<typeof import("./restart.ts")>(
      new URL("./restart.ts", import.meta.url),
    ),
  status: () =>
    lazyImport<typeof import("./status.ts")>(
      new URL("./status.ts", import.meta.url),
    ),
  logs: () =>
    lazyImport<typeof import("./logs.ts")>(
      new URL("./logs.ts", import.meta.url),
    ),
  reload: () =>
    lazyImport<typeof import("./reload.ts")>(
      new URL("./reload.ts", import.meta.url),
    ),
  cleanup: () =>
    lazyImport<typeof import("./cleanup.ts")>(
      new URL("./cleanup.ts", import.meta.url),
    ),
  "start-process": () =>
    lazyImport<typeof import("./start.ts")>(
      new URL("./start.ts", import.meta.url),
    ),
  shutdown: () =>
    lazyImport<typeof import("./shutdown.ts")>(
      new URL("./shutdown.ts", import.meta.url),
    ),
  service: () =>
    lazyImport<typeof import("./service.ts")>(
      new URL("./service.ts", import.meta.url),
    ),
  export: () =>
    lazyImport<typeof import("./export.ts")>(
      new URL("./export.ts", import.meta.url),
    ),
  schema: () =>
    lazyImport<typeof import("./schema.ts")>(
      new URL("./schema.ts", import.meta.url),
    ),
  completions: () =>
    lazyImport<typeof import("./completions.ts")>(
      new URL("./completions.ts", import.meta.url),
    ),
  __complete: () =>
    lazyImport<typeof import("./complete.ts")>(
      new URL("./complete.ts", import.meta.url),
    ),
  mcp: () =>
    lazyImport<typeof import("./mcp.ts")>(new URL("./mcp.ts", import.meta.url)),
  ui: () =>
    lazyImport<typeof import("./ui.ts")>(new URL("./ui.ts", import.meta.url)),
  __supervise: () =>
    lazyImport<typeof import("./supervise.ts")>(
      new URL("./supervise.ts", import.meta.url),
    ),
};

function entry<N extends Name>(name: N): [string, CommandSpec] {
  return [name, defineCommand(name, { ...INFO[name], load: LOADERS[name] })];
}

/** Every command, by name. */
export const commands: ReadonlyMap<string, CommandSpec> = new Map(
  (Object.keys(INFO) as Name[]).map(entry),
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
export function commandHelp(command: CommandSpec): string {
  return `Usage: ${command.usage}`;
}

/** The known command closest to a mistyped one, for "did you mean". */
export function suggest(name: string): string | undefined {
  if (name.length < 2) return undefined;
  const names = [...commands.keys()].filter((c) => !c.startsWith("_"));
  // A prefix of exactly one command is that command (`stat` → `status`).
  const extended = names.filter((c) => c.startsWith(name));
  if (extended.length === 1) return extended[0];
  let best: { name: string; distance: number; prefix: number } | undefined;
  for (const known of names) {
    const distance = editDistance(name, known);
    if (distance > Math.min(2, name.length - 1)) continue;
    const prefix = commonPrefix(name, known);
    if (
      !best || distance < best.distance ||
      (distance === best.distance && prefix > best.prefix)
    ) best = { name: known, distance, prefix };
  }
  return best?.name;
}

/** Optimal string alignment distance: an adjacent swap counts as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) =>
      Array.from(
        { length: b.length + 1 },
        (_, j) => (i === 0 ? j : j === 0 ? i : 0),
      ),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
