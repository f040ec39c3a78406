import type { Args, CommandInfo } from "./command.ts";

/**
 * Each command's help and options, by name: plain data, the one list that
 * help, parsing and dispatch read, so that neither loads any command's code.
 */
export const INFO = {
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
    takesNames: true,
    options: { "no-wait": { type: "boolean" } },
  },
  stop: {
    summary: "Stop services (all when none named)",
    usage: `tend stop [NAME...] [--all]

Sends each service's stop_signal to its whole process group, waits
stop_timeout, then SIGKILLs the group: no grandchild survives. Works with or
without a running supervisor. --all stops every service and then ends
orphans tagged with this workspace (as "tend cleanup" does).`,
    takesNames: true,
    options: { all: { type: "boolean" } },
  },
  restart: {
    summary: "Stop then start services (all running ones when none named)",
    usage: `tend restart [NAME...]

Stops the named services (their whole process groups), then starts them and
waits until they are ready.`,
    takesNames: true,
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
    takesNames: true,
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
    takesNames: true,
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
export type Name = keyof typeof INFO;

/** The typed arguments of `tend NAME`: what its `run` receives. */
export type ArgsOf<N extends Name> = Args<(typeof INFO)[N]["options"]>;
