import {
  type Args,
  type CommandInfo,
  type CommandSpec,
  defineCommand,
  type Run,
} from "./command.ts";
import { lazyImport } from "../_lazy.ts";

/**
 * Each command's help and options, by name: plain data, the one list that
 * help, parsing and dispatch read, so that neither loads any command's code.
 */
const INFO = {
  init: {
    summary: "Write a commented tend.toml",
    usage: `tend init

Writes tend.toml in the current directory (or -C DIR). An existing file is
never overwritten.`,
    options: {},
  },
  up: {
    summary: "Run the supervisor and every autostart service",
    usage: `tend up [-d|--daemon]

In the foreground (the default) the supervisor logs to the terminal, and on
Ctrl-C, SIGTERM or the terminal closing (SIGHUP) stops every service before
it exits. With -d it runs in the background and "tend up" returns once every
service is ready.`,
    options: { daemon: { type: "boolean", short: "d" } },
    forceExit: true,
  },
  down: {
    summary: "Stop every service and the supervisor",
    usage: `tend down

Stops every service (dependents first), then the supervisor, and returns
once the supervisor has exited.`,
    options: {},
  },
  start: {
    summary: "Start services (all autostart ones when none named)",
    usage: `tend start [NAME...] [--no-wait]

Starts the named services and their dependencies, launching a background
supervisor when none runs, and waits until each is ready (--no-wait: returns
once the supervisor has taken the request). A service that is already running
is reported, never started twice (exit 0).`,
    options: { "no-wait": { type: "boolean" } },
  },
  stop: {
    summary: "Stop services (all when none named)",
    usage: `tend stop [NAME...] [--all]

Sends each service's stop_signal to its whole process group, waits
stop_timeout, then SIGKILLs the group: no grandchild survives. Works with or
without a running supervisor. --all stops every service and then ends
orphans tagged with this workspace (as "tend cleanup" does).`,
    options: { all: { type: "boolean" } },
  },
  restart: {
    summary: "Stop then start services (all running ones when none named)",
    usage: `tend restart [NAME...]

Stops the named services (their whole process groups), then starts them and
waits until they are ready.`,
    options: {},
  },
  status: {
    summary: "Show services: a table, or --json",
    usage: `tend status [NAME...] [--json] [--watch]

Exit status 0 when every listed service is running, 3 when some is not.
Without a supervisor, processes are checked by identity (pid, start time,
boot id): a live match is "running", a dead or reused PID is "stale".
CPU is percent of one core since the previous status call (within a minute),
else over the process's life; MEM is the resident memory of its main process.
--watch redraws the table every second until Ctrl-C (with --json: one JSON
document per line).`,
    options: { watch: { type: "boolean", short: "w" } },
  },
  logs: {
    summary: "Show or follow services' logs",
    usage: `tend logs [NAME...] [-n N] [-f]

Prints the last N lines (default 50) of the service's log, continuing
into the rotated NAME.log.1 when the current file is shorter. Without a
NAME, every service's lines are shown, each prefixed "NAME | ". -f keeps
printing new lines, across rotations, until Ctrl-C. With --json each line
is a JSON object {"service", "line"}.`,
    options: {
      lines: { type: "string", short: "n" },
      follow: { type: "boolean", short: "f" },
    },
  },
  reload: {
    summary: "Re-read tend.toml and apply the difference",
    usage: `tend reload

New services start (when autostart), removed ones stop, changed ones
restart, unchanged ones keep running (same PID). An invalid file changes
nothing and fails with CONFIG_INVALID. Same as SIGHUP to the supervisor.`,
    options: {},
  },
  cleanup: {
    summary: "Find and end orphans, remove stale files",
    usage: `tend cleanup [--dry-run] [--json]

Finds processes that carry this workspace's TEND_WORKSPACE tag but belong to
no tracked service (grandchildren left by a killed service, services of a
lost state file), and stale files under .tend/run. Ends them (SIGTERM, then
SIGKILL after 5 s) and removes the files, unless --dry-run. Never touches a
process of another user or another workspace, and never matches by name.`,
    options: { "dry-run": { type: "boolean" } },
  },
  __supervise: {
    summary: "Run as the background supervisor (internal)",
    usage: "tend __supervise -C DIR -c FILE",
    options: {},
    hidden: true,
    forceExit: true,
  },
} as const satisfies Record<string, CommandInfo>;

/** The name of a command. */
type Name = keyof typeof INFO;

/** The typed arguments of `tend NAME`: what its `run` receives. */
export type ArgsOf<N extends Name> = Args<(typeof INFO)[N]["options"]>;

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
  let best: { name: string; distance: number; prefix: number } | undefined;
  for (const known of commands.keys()) {
    if (known.startsWith("_")) continue;
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
