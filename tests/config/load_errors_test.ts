import assert from "node:assert/strict";
import { parseError, web } from "./_helpers.ts";

const PREFIX = 'Cannot load config "/w/tend.toml": ';
const NUL =
  "must not contain a NUL character (\\u0000): no argument, path or environment variable can hold one";

/** [what, config text, message after the prefix, hint]. */
const INVALID: [string, string, string, string?][] = [
  [
    "TOML syntax",
    "a = \nb = 1",
    "invalid TOML at line 1, column 5: invalid value",
  ],
  [
    "duplicate TOML key",
    web("port = 1", "port = 2"),
    "invalid TOML at line 5, column 1: trying to redefine an already defined table or value",
  ],
  [
    "unknown top-level field",
    "[[process]]",
    'unknown field "process" at the top level',
    'Did you mean "processes"?',
  ],
  [
    "unknown [daemon] field",
    "[daemon]\npidfile = 'x'",
    'unknown field "pidfile" in [daemon]',
    'Did you mean "pid_file"?',
  ],
  [
    "unknown service field",
    web("foo = 1"),
    'unknown field "foo" in processes[0] ("web")',
  ],
  [
    "misspelt required field",
    '[[processes]]\nname = "web"\ncomand = "x"',
    'unknown field "comand" in processes[0] ("web")',
    'Did you mean "command"?',
  ],
  [
    "unknown ready kind",
    web("ready = { tpc = 1 }"),
    'unknown field "tpc" in processes[0] ("web").ready',
    'Did you mean "tcp"?',
  ],
  [
    "[processes] as a single table",
    '[processes]\nname = "web"',
    "processes must be an array of tables ([[processes]]), got a table",
    "Write [[processes]] with double brackets, once per service",
  ],
  ["[daemon] not a table", "daemon = 3", "daemon must be a table, got 3"],
  [
    "missing name",
    '[[processes]]\ncommand = "x"',
    "processes[0].name is required and must be a string",
  ],
  [
    "missing command",
    '[[processes]]\nname = "web"',
    'processes[0] ("web").command is required and must be a non-empty string',
  ],
  [
    "empty command",
    '[[processes]]\nname = "web"\ncommand = ""',
    'processes[0] ("web").command must be a non-empty string, got ""',
  ],
  [
    "name with a dot",
    '[[processes]]\nname = "web.1"\ncommand = "x"',
    'processes[0] ("web.1").name must be 1 to 64 letters, digits, "_" or "-", starting with a letter or digit, got "web.1"',
  ],
  [
    "name with a slash",
    '[[processes]]\nname = "a/b"\ncommand = "x"',
    'processes[0] ("a/b").name must be 1 to 64 letters, digits, "_" or "-", starting with a letter or digit, got "a/b"',
  ],
  [
    "duplicate name",
    `${web()}\n${web()}`,
    'processes[1] ("web").name must be unique: "web" is also the name of processes[0]',
  ],
  [
    "args not strings",
    web("args = [1]"),
    'processes[0] ("web").args[0] must be a string, got 1',
  ],
  [
    "env value not a string",
    web("env = { DEBUG = 1 }"),
    'processes[0] ("web").env.DEBUG must be a string (quote numbers: DEBUG = "1"), got 1',
  ],
  [
    "env name with =",
    web('env = { "A=B" = "1" }'),
    'processes[0] ("web").env."A=B" must be an environment variable name without "=", got "A=B"',
  ],
  [
    "port as a string",
    web('port = "abc"'),
    'processes[0] ("web").port must be an integer from 1 to 65535, got "abc"',
  ],
  [
    "port zero",
    web("port = 0"),
    'processes[0] ("web").port must be an integer from 1 to 65535, got 0',
  ],
  [
    "port too big",
    web("port = 70000"),
    'processes[0] ("web").port must be an integer from 1 to 65535, got 70000',
  ],
  [
    "port fraction",
    web("port = 80.5"),
    'processes[0] ("web").port must be an integer from 1 to 65535, got 80.5',
  ],
  [
    "instances past the last port",
    web("port = 65535", "instances = 2"),
    'processes[0] ("web").port leaves no room for 2 instances (ports 65535 to 65536)',
    "Lower port or instances",
  ],
  [
    "bad port_strategy",
    web('port_strategy = "random"'),
    'processes[0] ("web").port_strategy must be "next" or "fail", got "random"',
  ],
  [
    "bad restart",
    web('restart = "sometimes"'),
    'processes[0] ("web").restart must be "always", "on-failure" or "never", got "sometimes"',
  ],
  [
    "auto_restart as a string",
    web('auto_restart = "yes"'),
    'processes[0] ("web").auto_restart must be true or false, got "yes"',
  ],
  [
    "auto_restart vs restart",
    web("auto_restart = true", 'restart = "on-failure"'),
    'processes[0] ("web").auto_restart conflicts with restart = "on-failure" (auto_restart = true means restart = "always")',
    "Keep only one of auto_restart and restart",
  ],
  [
    "auto_restart false vs restart",
    web("auto_restart = false", 'restart = "always"'),
    'processes[0] ("web").auto_restart conflicts with restart = "always" (auto_restart = false means restart = "never")',
    "Keep only one of auto_restart and restart",
  ],
  [
    "exit code out of range",
    web("success_exit_codes = [256]"),
    'processes[0] ("web").success_exit_codes[0] must be an integer from 0 to 255, got 256',
  ],
  [
    "bad duration unit",
    web('restart_delay = "5 days"'),
    'processes[0] ("web").restart_delay must be a duration: a number of seconds or a string such as "100ms", "10s", "2m" or "1h", got "5 days"',
  ],
  [
    "negative duration",
    web("stop_timeout = -1"),
    'processes[0] ("web").stop_timeout must be a duration: a number of seconds or a string such as "100ms", "10s", "2m" or "1h", got -1',
  ],
  [
    "nan duration",
    web("min_uptime = nan"),
    'processes[0] ("web").min_uptime must be a duration: a number of seconds or a string such as "100ms", "10s", "2m" or "1h", got nan',
  ],
  [
    "zero ready_timeout",
    web("ready_timeout = 0"),
    'processes[0] ("web").ready_timeout must be a duration greater than zero, got 0',
  ],
  [
    "restart_delay_max below restart_delay",
    web('restart_delay = "10s"', 'restart_delay_max = "1s"'),
    'processes[0] ("web").restart_delay_max must be at least restart_delay (10000 ms), got 1000 ms',
  ],
  [
    "negative max_restarts",
    web("max_restarts = -1"),
    'processes[0] ("web").max_restarts must be an integer of at least 0, got -1',
  ],
  [
    "ready not a table",
    web('ready = "tcp"'),
    'processes[0] ("web").ready must be a table with exactly one of tcp, http, log, command, got "tcp"',
  ],
  [
    "ready with two kinds",
    web('ready = { tcp = 80, log = "up" }'),
    'processes[0] ("web").ready must have exactly one of tcp, http, log, command, got tcp and log',
  ],
  [
    "ready with no kind",
    web("ready = {}"),
    'processes[0] ("web").ready must have exactly one of tcp, http, log, command, got none',
  ],
  [
    "bad ready.tcp",
    web('ready = { tcp = "localhost" }'),
    'processes[0] ("web").ready.tcp must be a port, "{port}" or "host:port", e.g. "127.0.0.1:{port}", got "localhost"',
  ],
  [
    "bad ready.http",
    web('ready = { http = "ftp://x" }'),
    'processes[0] ("web").ready.http must be an http:// or https:// URL, got "ftp://x"',
  ],
  [
    "bad regex",
    web('ready = { log = "(" }'),
    'processes[0] ("web").ready.log must be a valid regular expression (Invalid regular expression: /(/: Unterminated group)',
  ],
  [
    "{port} in args without port",
    web('args = ["--port", "{port}"]'),
    'processes[0] ("web").args[1] uses "{port}" but the service has no port',
    "Add port = <number> to the service",
  ],
  [
    "{port} in env without port",
    web('env = { PORT = "{port}" }'),
    'processes[0] ("web").env.PORT uses "{port}" but the service has no port',
    "Add port = <number> to the service",
  ],
  [
    "{port} in ready.tcp without port",
    web('ready = { tcp = "{port}" }'),
    'processes[0] ("web").ready.tcp uses "{port}" but the service has no port',
    "Add port = <number> to the service",
  ],
  [
    "{port} in ready.http without port",
    web('ready = { http = "http://localhost:{port}/" }'),
    'processes[0] ("web").ready.http uses "{port}" but the service has no port',
    "Add port = <number> to the service",
  ],
  [
    "SIGUSR1",
    web('stop_signal = "SIGUSR1"'),
    'processes[0] ("web").stop_signal must be one of SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGKILL, SIGUSR2, got "SIGUSR1"',
    "SIGUSR1 is reserved: Deno starts its inspector on it",
  ],
  [
    "unknown signal",
    web('stop_signal = "STOP"'),
    'processes[0] ("web").stop_signal must be one of SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGKILL, SIGUSR2, got "STOP"',
  ],
  [
    "unknown dependency",
    web('depends_on = ["db"]'),
    'processes[0] ("web").depends_on[0] names an unknown service "db"',
    "Known services: web",
  ],
  [
    "self dependency",
    web('depends_on = ["web"]'),
    'processes[0] ("web").depends_on[0] names the service itself',
  ],
  [
    "dependency cycle",
    [
      '[[processes]]\nname = "a"\ncommand = "x"\ndepends_on = ["b"]',
      '[[processes]]\nname = "b"\ncommand = "x"\ndepends_on = ["c"]',
      '[[processes]]\nname = "c"\ncommand = "x"\ndepends_on = ["a"]',
    ].join("\n"),
    "depends_on cycle: a -> b -> c -> a",
    "Remove one of these dependencies",
  ],
  [
    "instances zero",
    web("instances = 0"),
    'processes[0] ("web").instances must be an integer from 1 to 64, got 0',
  ],
  [
    "instances too many",
    web("instances = 65"),
    'processes[0] ("web").instances must be an integer from 1 to 64, got 65',
  ],
  [
    // The checks across services once looped this many times (chaos 4b).
    "instances far too many, as a float",
    web("instances = 1e20"),
    'processes[0] ("web").instances must be an integer from 1 to 64, got 100000000000000000000',
  ],
  [
    "instances far too many, with a reference and a fixed port",
    [
      web("instances = 3.5e300", "port = 9000", 'port_strategy = "fail"'),
      '[[processes]]\nname = "b"\ncommand = "x"\nargs = ["{services.web.3.port}"]',
    ].join("\n"),
    'processes[0] ("web").instances must be an integer from 1 to 64, got 3.5e+300',
  ],
  [
    "instances above max_instances",
    web("instances = 3", "max_instances = 2"),
    'processes[0] ("web").instances must be at most max_instances (2), got 3',
  ],
  [
    "both log size spellings",
    web('log_max_size = "1MB"', "max_log_size = 1024"),
    'processes[0] ("web").log_max_size must not be given together with max_log_size',
    "Keep only one of log_max_size and max_log_size",
  ],
  [
    "bad log size",
    web('max_log_size = "10TB"'),
    'processes[0] ("web").max_log_size must be a size greater than zero: a number of bytes or a string such as "512KB", "10MB" or "1GB", got "10TB"',
  ],
  [
    "negative log_backups",
    web("log_backups = -1"),
    'processes[0] ("web").log_backups must be an integer of at least 0, got -1',
  ],
  [
    "schedule",
    web('schedule = "0 * * *"'),
    'processes[0] ("web").schedule must be a cron pattern: five fields "m h dom mon dow", or six with seconds first, e.g. "*/5 * * * *", got "0 * * *"',
  ],
  [
    "bad cron field",
    web('schedule = "61 * * * *"'),
    'processes[0] ("web").schedule must be a cron pattern: five fields "m h dom mon dow", or six with seconds first, e.g. "*/5 * * * *" (CronPattern: Invalid value for minute: 61), got "61 * * * *"',
  ],
  [
    "bad time zone",
    web('schedule = "0 * * * *"', 'timezone = "Mars/Olympus"'),
    'processes[0] ("web").timezone must be an IANA time zone name, e.g. "Europe/Paris" or "UTC", got "Mars/Olympus"',
  ],
  [
    "overlap without schedule",
    web('overlap = "queue"'),
    'processes[0] ("web").overlap needs a schedule',
    'Add schedule = "<cron pattern>", or remove it',
  ],
  [
    "bad overlap",
    web('schedule = "0 * * * *"', 'overlap = "parallel"'),
    'processes[0] ("web").overlap must be "skip", "queue" or "allow", got "parallel"',
  ],
  [
    "processes and services",
    `${web()}\n[[services]]\nname = "b"\ncommand = "x"`,
    "[[services]] is an alias of [[processes]]: use one of them, not both",
  ],
  [
    "service alias in paths",
    '[[services]]\nname = "b"\ncommand = 1',
    'services[0] ("b").command must be a non-empty string, got 1',
  ],
  [
    "bad dashboard address",
    '[daemon]\nhttp = "8644"',
    'daemon.http must be an address "host:port", e.g. "127.0.0.1:8644", or true, got "8644"',
  ],
  [
    "zero check_interval",
    "[daemon]\ncheck_interval = 0",
    "daemon.check_interval must be a duration greater than zero, got 0",
  ],
  [
    "date value",
    web("started = 1979-05-27"),
    'unknown field "started" in processes[0] ("web")',
  ],
  [
    "NUL in an argument",
    web('args = ["-m", "http.server\\u0000"]'),
    `processes[0] ("web").args[1] ${NUL}`,
  ],
  [
    "NUL in a command",
    '[[processes]]\nname = "web"\ncommand = "py\\u0000thon3"',
    `processes[0] ("web").command ${NUL}`,
  ],
  [
    "NUL in an environment value",
    web('env = { A = "1", B = "x\\u0000" }'),
    `processes[0] ("web").env.B ${NUL}`,
  ],
  [
    "NUL in a ready command",
    web('ready = { command = "true\\u0000" }'),
    `processes[0] ("web").ready.command ${NUL}`,
  ],
  [
    "NUL in the daemon's log file",
    '[daemon]\nlog_file = "tend\\u0000.log"',
    `daemon.log_file ${NUL}`,
  ],
];

Deno.test("parseConfigText() rejects bad config with the file, the field and what was expected", async (t) => {
  for (const [what, text, message, hint] of INVALID) {
    await t.step(what, () => {
      const error = parseError(text);
      assert.equal(error.message, PREFIX + message);
      assert.equal(error.hint, hint);
    });
  }
});

Deno.test("parseConfigText() names the service whose field is wrong", () => {
  const error = parseError(
    `${web()}\n[[processes]]\nname = "db"\ncommand = "x"\nport = "abc"`,
  );
  assert.match(error.message, /processes\[1\] \("db"\)\.port /);
});

Deno.test("parseConfigText() keeps the zod error as the cause", () => {
  const error = parseError(web("port = 0"));
  assert.ok(error.cause instanceof Error);
});
