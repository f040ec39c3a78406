import assert from "node:assert/strict";
import { resolveConfig, serviceFingerprint } from "../../src/config/resolve.ts";
import { configSchema } from "../../src/config/schema.ts";
import { parse, web } from "./_helpers.ts";

Deno.test("resolveConfig() makes relative paths absolute from the root", () => {
  const parsed = configSchema.parse({
    daemon: { pid_file: "run/tend.pid" },
    processes: [{ name: "web", command: "x", working_directory: "../site" }],
  });
  const config = resolveConfig(parsed, {
    file: "/etc/tend.toml",
    root: "/srv/app",
  });
  assert.equal(config.file, "/etc/tend.toml");
  assert.equal(config.root, "/srv/app");
  assert.equal(config.daemon.pidFile, "/srv/app/run/tend.pid");
  assert.equal(config.daemon.logFile, "/srv/app/.tend/log/tend.log");
  assert.equal(config.services[0]?.cwd, "/srv/site");
  assert.equal(config.services[0]?.logFile, "/srv/app/.tend/log/web.log");
});

function fingerprint(text: string): string {
  const service = parse(text).services[0];
  assert.ok(service);
  return service.fingerprint;
}

const BASE = web("port = 80");

Deno.test("serviceFingerprint() changes with the fields that need a restart", async (t) => {
  const changes: [string, string][] = [
    ["command", BASE.replace('"python3"', '"python"')],
    ["args", web("port = 80", 'args = ["-v"]')],
    ["working_directory", web("port = 80", 'working_directory = "site"')],
    ["env", web("port = 80", 'env = { A = "1" }')],
    ["port", web("port = 81")],
    ["port_strategy", web("port = 80", 'port_strategy = "next"')],
    ["stop_signal", web("port = 80", 'stop_signal = "SIGINT"')],
    ["log_file", web("port = 80", 'log_file = "web.log"')],
  ];
  for (const [field, text] of changes) {
    await t.step(field, () => {
      assert.notEqual(fingerprint(text), fingerprint(BASE));
    });
  }
});

Deno.test("serviceFingerprint() ignores fields that apply without a restart", () => {
  const base = fingerprint(BASE);
  for (
    const line of [
      'restart = "always"',
      "max_restarts = 1",
      'ready = { tcp = "{port}" }',
      "stop_timeout = 1",
      "autostart = false",
      "log_backups = 1",
    ]
  ) {
    assert.equal(fingerprint(web("port = 80", line)), base, line);
  }
});

Deno.test("serviceFingerprint() does not depend on the order of env keys", () => {
  assert.equal(
    fingerprint(web('env = { A = "1", B = "2" }')),
    fingerprint(web('env = { B = "2", A = "1" }')),
  );
});

Deno.test("serviceFingerprint() is JSON", () => {
  const service = parse(web()).services[0];
  assert.ok(service);
  const { fingerprint: _, ...rest } = service;
  assert.equal(typeof JSON.parse(serviceFingerprint(rest)), "object");
});
