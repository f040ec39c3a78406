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
    usage: `tend up [-d|--daemon] [--no-logs]

In the foreground (the default) the services' output is shown on stdout, each
line prefixed by the service's name, and the supervisor's own lines on stderr
marked "tend" (--no-logs: only those). On Ctrl-C, SIGTERM or the terminal
closing (SIGHUP) it stops every service before it exits. With -d it runs in
the background and "tend up" returns once every service is ready.`,
    options: {
      daemon: { type: "boolean", short: "d" },
      "no-logs": { type: "boolean" },
    },
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
    prelaunch: true,
    options: {
      "no-wait": { type: "boolean" },
      // mi7soft-daemon's README writes "tend --daemonize start"; tend start
      // always runs the supervisor in the background.
      daemonize: { type: "boolean" },
    },
  },
  run: {
    summary: "Run a one-off service that tend.toml does not list",
    usage:
      `tend run NAME [--port N] [--ready CHECK] [--save] -- COMMAND [ARGS...]

Starts COMMAND as the service NAME under the workspace's supervisor
(launching one in the background when none runs), with the same supervision,
log (.tend/log/NAME.log) and stop semantics as a service of tend.toml, and
waits until it is ready. It is not written anywhere: "tend down" (or the
supervisor ending) ends it for good. --save appends it to tend.toml as a
[[processes]] block instead (the file's text and comments are kept) and
starts it from there. NAME must not be a service of tend.toml.
--port N gives it port N ({port} in ARGS). --ready CHECK waits for: tcp (its
port), tcp=HOST:PORT, http=/PATH (on its port), http=URL, log=REGEX or
command=CMD. Everything after "--" is the command, options included.`,
    takesNames: true,
    options: {
      port: { type: "string", short: "p" },
      ready: { type: "string" },
      save: { type: "boolean" },
    },
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
  "start-process": {
    summary: 'mi7soft-daemon\'s spelling of "tend start NAME"',
    usage: `tend start-process NAME... [--no-wait]

The same as "tend start NAME...": mi7soft-daemon's command line works as
written.`,
    takesNames: true,
    options: { "no-wait": { type: "boolean" }, daemonize: { type: "boolean" } },
    hidden: true,
  },
  shutdown: {
    summary: "Stop the supervisor; services keep running",
    usage: `tend shutdown

Stops the supervisor and leaves every service running (mi7soft-daemon's
"shutdown", the same as SIGTERM to a background supervisor); the next
supervisor adopts them. "tend down" stops the services too.`,
    options: {},
  },
  service: {
    summary: "Start tend at login or boot (systemd unit, launchd agent)",
    usage: `tend service install|uninstall|status [--system] [--unit-dir DIR]

install writes a systemd user unit (Linux; --system: a system unit, started
at boot, run as you) or a launchd agent (macOS) that runs "tend up" for this
workspace in the foreground, so the service manager supervises tend: it
restarts tend when it dies, and on stop runs "tend down", which stops the
services in tend's order with their stop_timeout. Then it enables the unit
(systemctl --user daemon-reload && enable), or says why it could not.
Running it again rewrites the unit only when it changed. uninstall disables
and removes it; status says whether it is installed and current (exit 3 when
absent). --unit-dir DIR writes there and leaves the service manager alone;
--manager systemd|launchd overrides the choice by OS.`,
    takesNames: true,
    options: {
      system: { type: "boolean" },
      "unit-dir": { type: "string" },
      manager: { type: "string" },
    },
  },
  export: {
    summary: "Write the services as systemd units or a Compose file",
    usage:
      `tend export systemd|compose [--out DIR] [--image IMAGE] [--prefix NAME]

Turns tend.toml into the same services for an engine that already runs
(tend never builds a cluster of its own). "systemd" writes one unit per
service (<prefix>-<name>.service, prefix "tend-<workspace dir>"): restart
policy, stop signal and timeout, depends_on, env, working directory and log
file. "compose" writes docker-compose.yml: each service runs its command in
its image (image = "..." in tend.toml, else --image IMAGE), with the
workspace mounted at the same path; ready checks become healthchecks and
depends_on waits for service_healthy. Without --out the files go to stdout.
What cannot be carried over is printed as a warning on stderr (and listed
with --json).`,
    takesNames: true,
    options: {
      out: { type: "string", short: "o" },
      image: { type: "string" },
      prefix: { type: "string" },
    },
  },
  schema: {
    summary: "Print the JSON Schema of tend.toml",
    usage: `tend schema

Prints the JSON Schema (draft 7) of tend.toml, generated from tend's own
config schema. TOML editors (Taplo, Even Better TOML) read it through a
"#:schema PATH" first line, which "tend init" writes.`,
    options: {},
  },
  completions: {
    summary: "Print a shell completion script (bash, zsh, fish)",
    usage: `tend completions bash|zsh|fish

Prints a script that completes tend's commands, options and this
workspace's service names. Load it with:
bash:  source <(tend completions bash)      (or save it under
       ~/.local/share/bash-completion/completions/tend)
zsh:   tend completions zsh > "\${fpath[1]}/_tend"
fish:  tend completions fish > ~/.config/fish/completions/tend.fish`,
    takesNames: true,
    options: {},
  },
  __complete: {
    summary: "List completion candidates (internal)",
    usage: "tend __complete services",
    takesNames: true,
    options: {},
    hidden: true,
  },
  ui: {
    summary: "Serve the dashboard and HTTP API, print its URL",
    usage: `tend ui [--no-open] [--json]

Makes sure the supervisor runs (launching it in the background when none
does) and serves the dashboard and HTTP API: at [daemon] http when set, else
at 127.0.0.1:8644 (or any free port when that one is taken). Prints the URL
with its token and opens it in the browser when there is one (--no-open:
print only). The token changes each time the supervisor starts.`,
    options: { "no-open": { type: "boolean" } },
  },
  mcp: {
    summary: "Serve the Model Context Protocol on stdio, for AI assistants",
    usage: `tend mcp [-C DIR]

Runs a Model Context Protocol server on stdin/stdout for an AI assistant
that manages this workspace's services, with the tools status, start, stop,
restart, logs and reload (the same calls as the commands). stdout carries
only protocol messages; notices go to stderr. Ends when stdin closes.`,
    options: {},
  },
  __supervise: {
    summary: "Run as the background supervisor (internal)",
    usage: "tend __supervise -C DIR -c FILE [--standby]",
    // --standby: wait for "go" on stdin first (see src/client/standby.ts).
    options: { standby: { type: "boolean" } },
    hidden: true,
    forceExit: true,
  },
} as const satisfies Record<string, CommandInfo>;

/** The name of a command. */
export type Name = keyof typeof INFO;

/** The typed arguments of `tend NAME`: what its `run` receives. */
export type ArgsOf<N extends Name> = Args<(typeof INFO)[N]["options"]>;
