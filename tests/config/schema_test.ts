import assert from "node:assert/strict";
import {
  type Config,
  configSchema,
  type DaemonConfig,
  type ReadyCheck,
  type ServiceConfig,
} from "../../src/config/schema.ts";
import { parse, parseError, web } from "./_helpers.ts";

function only(text: string): ServiceConfig {
  const [service, ...rest] = parse(text).services;
  assert.ok(service);
  assert.equal(rest.length, 0);
  return service;
}

Deno.test("configSchema fills in every default of a minimal service", () => {
  const service = only(web());
  assert.deepEqual({ ...service, fingerprint: undefined }, {
    name: "web",
    group: "web",
    instance: 0,
    command: "python3",
    type: "service",
    args: [],
    cwd: "/w",
    env: {},
    envFiles: [],
    references: [],
    port: null,
    portStrategy: "fail",
    restart: "on-failure",
    successExitCodes: [0],
    restartDelayMs: 100,
    restartDelayMaxMs: 30_000,
    minUptimeMs: 10_000,
    maxRestarts: 10,
    restartWindowMs: 60_000,
    ready: null,
    readyTimeoutMs: 30_000,
    minReadyMs: 100,
    stopSignal: "SIGTERM",
    stopTimeoutMs: 10_000,
    dependsOn: [],
    autostart: true,
    schedule: null,
    logFile: "/w/.tend/log/web.log",
    logMaxBytes: 10 * 1024 * 1024,
    logBackups: 5,
    checkIntervalMs: 3_000,
    image: null,
    watch: [],
    watchIgnore: [],
    watchDebounceMs: 500,
    hooks: {},
    hookTimeoutMs: 30_000,
    maxMemoryBytes: null,
    fingerprint: undefined,
  });
});

Deno.test("configSchema fills in the [daemon] defaults", () => {
  const config = parse("");
  assert.deepEqual(config.daemon, {
    checkIntervalMs: 3_000,
    http: null,
    httpAllowRemote: false,
    pidFile: null,
    logFile: "/w/.tend/log/tend.log",
    logMaxBytes: 10 * 1024 * 1024,
    logBackups: 5,
  });
  assert.deepEqual(config.services, []);
  assert.equal(config.file, "/w/tend.toml");
  assert.equal(config.root, "/w");
});

const SERVICE_FIELDS: [string, string[], Partial<ServiceConfig>][] = [
  ["args", ['args = ["-m", "http.server"]'], { args: ["-m", "http.server"] }],
  ["relative working_directory", ['working_directory = "site"'], {
    cwd: "/w/site",
  }],
  ["absolute working_directory", ['working_directory = "/var/www"'], {
    cwd: "/var/www",
  }],
  ["env", ['env = { DEBUG = "1", URL = "http://x:{port}" }', "port = 80"], {
    env: { DEBUG: "1", URL: "http://x:{port}" },
  }],
  ["port", ["port = 8642"], { port: 8642 }],
  ["port_strategy", ['port_strategy = "next"'], { portStrategy: "next" }],
  ["auto_restart = true", ["auto_restart = true"], { restart: "always" }],
  ["auto_restart = false", ["auto_restart = false"], { restart: "never" }],
  ["restart", ['restart = "never"'], { restart: "never" }],
  ["restart agreeing with auto_restart", [
    'restart = "always"',
    "auto_restart = true",
  ], { restart: "always" }],
  ["success_exit_codes", ["success_exit_codes = [0, 2]"], {
    successExitCodes: [0, 2],
  }],
  ["restart_delay", ['restart_delay = "250ms"'], { restartDelayMs: 250 }],
  ["restart_delay_max", ['restart_delay_max = "2m"'], {
    restartDelayMaxMs: 120_000,
  }],
  ["min_uptime", ["min_uptime = 1.5"], { minUptimeMs: 1_500 }],
  ["max_restarts", ["max_restarts = 0"], { maxRestarts: 0 }],
  ["restart_window", ['restart_window = "1h"'], {
    restartWindowMs: 3_600_000,
  }],
  ["ready.tcp number", ["ready = { tcp = 8080 }"], {
    ready: { kind: "tcp", target: "8080" },
  }],
  ["ready.tcp {port}", ["port = 80", 'ready = { tcp = "{port}" }'], {
    ready: { kind: "tcp", target: "{port}" },
  }],
  ["ready.tcp host:port", ['ready = { tcp = "[::1]:5432" }'], {
    ready: { kind: "tcp", target: "[::1]:5432" },
  }],
  ["ready.http", [
    "port = 80",
    'ready = { http = "http://127.0.0.1:{port}/health" }',
  ], {
    ready: { kind: "http", url: "http://127.0.0.1:{port}/health" },
  }],
  ["ready.log", ['ready = { log = "listening on \\\\d+" }'], {
    ready: { kind: "log", pattern: "listening on \\d+" },
  }],
  ["ready.command", ['ready = { command = "pg_isready" }'], {
    ready: { kind: "command", command: "pg_isready" },
  }],
  ["ready_timeout", ['ready_timeout = "5s"'], { readyTimeoutMs: 5_000 }],
  ["min_ready", ["min_ready = 0"], { minReadyMs: 0 }],
  ["stop_signal short form", ['stop_signal = "INT"'], { stopSignal: "SIGINT" }],
  ["stop_signal lower case", ['stop_signal = "sighup"'], {
    stopSignal: "SIGHUP",
  }],
  ["stop_signal SIGKILL", ['stop_signal = "SIGKILL"'], {
    stopSignal: "SIGKILL",
  }],
  ["stop_timeout", ["stop_timeout = 10"], { stopTimeoutMs: 10_000 }],
  ["autostart", ["autostart = false"], { autostart: false }],
  ["check_interval", ["check_interval = 0.5"], { checkIntervalMs: 500 }],
  ["capture_output (accepted, ignored)", ["capture_output = false"], {}],
  ["max_instances", ["max_instances = 1"], { name: "web" }],
  ["relative log_file", ['log_file = "logs/web.log"'], {
    logFile: "/w/logs/web.log",
  }],
  ["absolute log_file", ['log_file = "/var/log/web.log"'], {
    logFile: "/var/log/web.log",
  }],
  ["log_max_size", ['log_max_size = "1MB"'], { logMaxBytes: 1024 ** 2 }],
  ["max_log_size", ["max_log_size = 2048"], { logMaxBytes: 2048 }],
  ["log_backups", ["log_backups = 0"], { logBackups: 0 }],
  ["image (export compose only)", ['image = "python:3.12-slim"'], {
    image: "python:3.12-slim",
  }],
];

Deno.test("configSchema normalises every service field", async (t) => {
  for (const [field, lines, expected] of SERVICE_FIELDS) {
    await t.step(field, () => {
      const service = only(web(...lines));
      assert.deepEqual(
        Object.fromEntries(
          Object.keys(expected).map((key) => [
            key,
            service[key as keyof ServiceConfig],
          ]),
        ),
        expected,
      );
    });
  }
});

Deno.test("configSchema normalises every [daemon] field", () => {
  const config = parse([
    "[daemon]",
    'pid_file = "run/x.pid"',
    'log_file = "/var/log/x.log"',
    'check_interval = "500ms"',
    'http = "127.0.0.1:8644"',
    'log_max_size = "1GB"',
    "log_backups = 2",
  ].join("\n"));
  assert.deepEqual(config.daemon, {
    pidFile: "/w/run/x.pid",
    logFile: "/var/log/x.log",
    checkIntervalMs: 500,
    http: { hostname: "127.0.0.1", port: 8644 },
    httpAllowRemote: false,
    logMaxBytes: 1024 ** 3,
    logBackups: 2,
  });
});

Deno.test("configSchema reads an IPv6 dashboard address", () => {
  assert.deepEqual(parse('[daemon]\nhttp = "[::1]:9000"').daemon.http, {
    hostname: "::1",
    port: 9000,
  });
});

Deno.test("configSchema reads http = true as the default dashboard address", () => {
  assert.deepEqual(parse("[daemon]\nhttp = true").daemon.http, {
    hostname: "127.0.0.1",
    port: 8644,
  });
  assert.equal(parse("[daemon]\nhttp = false").daemon.http, null);
});

Deno.test("configSchema refuses a dashboard address off loopback unless allowed", () => {
  const error = parseError('[daemon]\nhttp = "0.0.0.0:8644"');
  assert.match(error.message, /loopback/);
  const allowed = parse(
    '[daemon]\nhttp = "0.0.0.0:8644"\nhttp_allow_remote = true',
  ).daemon;
  assert.deepEqual(allowed.http, { hostname: "0.0.0.0", port: 8644 });
  assert.ok(allowed.httpAllowRemote);
});

Deno.test("configSchema lets services inherit [daemon] log and check settings", () => {
  const service = only([
    "[daemon]",
    "check_interval = 7",
    'log_max_size = "1KB"',
    "log_backups = 1",
    web(),
  ].join("\n"));
  assert.equal(service.checkIntervalMs, 7_000);
  assert.equal(service.logMaxBytes, 1024);
  assert.equal(service.logBackups, 1);
});

Deno.test("configSchema expands instances with their own names, ports and logs", () => {
  const config = parse(web("instances = 3", "port = 9000"));
  assert.deepEqual(
    config.services.map((
      s,
    ) => [s.name, s.group, s.instance, s.port, s.logFile]),
    [
      ["web.0", "web", 0, 9000, "/w/.tend/log/web.0.log"],
      ["web.1", "web", 1, 9001, "/w/.tend/log/web.1.log"],
      ["web.2", "web", 2, 9002, "/w/.tend/log/web.2.log"],
    ],
  );
});

Deno.test("configSchema numbers an explicit log_file per instance", () => {
  const config = parse(web("instances = 2", 'log_file = "/var/log/web.log"'));
  assert.deepEqual(config.services.map((s) => s.logFile), [
    "/var/log/web.0.log",
    "/var/log/web.1.log",
  ]);
});

Deno.test("configSchema expands depends_on to instance names, in file order", () => {
  const config = parse([
    web('depends_on = ["db", "cache", "db"]'),
    "[[processes]]",
    'name = "db"',
    'command = "postgres"',
    "instances = 2",
    "[[processes]]",
    'name = "cache"',
    'command = "redis-server"',
  ].join("\n"));
  assert.deepEqual(config.services.map((s) => s.name), [
    "web",
    "db.0",
    "db.1",
    "cache",
  ]);
  assert.deepEqual(config.services[0]?.dependsOn, ["db.0", "db.1", "cache"]);
});

Deno.test("configSchema accepts [[services]] as an alias of [[processes]]", () => {
  const config = parse('[[services]]\nname = "a"\ncommand = "x"');
  assert.deepEqual(config.services.map((s) => s.name), ["a"]);
});

Deno.test("configSchema accepts a config with no services", () => {
  assert.deepEqual(parse("[daemon]\ncheck_interval = 1").services, []);
  assert.deepEqual(parse("processes = []").services, []);
});

Deno.test("configSchema parses a plain object without the loader", () => {
  const parsed = configSchema.parse({
    processes: [{ name: "web", command: "x", working_directory: "site" }],
  });
  assert.equal(parsed.services[0]?.cwd, "site");
  assert.equal(parsed.daemon.logFile, ".tend/log/tend.log");
});

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

Deno.test("configSchema output has the documented types", () => {
  const checks: [
    Equal<ServiceConfig["restart"], "always" | "on-failure" | "never">,
    Equal<ServiceConfig["portStrategy"], "next" | "fail">,
    Equal<ServiceConfig["port"], number | null>,
    Equal<
      ReadyCheck,
      | { readonly kind: "tcp"; readonly target: string }
      | { readonly kind: "http"; readonly url: string }
      | { readonly kind: "log"; readonly pattern: string }
      | { readonly kind: "command"; readonly command: string }
    >,
    Equal<ServiceConfig["ready"], ReadyCheck | null>,
    ServiceConfig["stopSignal"] extends Deno.Signal ? true : false,
    Equal<ServiceConfig["dependsOn"], string[]>,
    Equal<ServiceConfig["env"], Record<string, string>>,
    Equal<DaemonConfig["http"], { hostname: string; port: number } | null>,
    Equal<DaemonConfig["pidFile"], string | null>,
    Equal<Config["root"], string>,
  ] = [true, true, true, true, true, true, true, true, true, true, true];
  assert.ok(checks.every(Boolean));
});
