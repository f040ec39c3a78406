import assert from "node:assert/strict";
import { exportSystemd } from "../../src/export/systemd_export.ts";
import { parse } from "../config/_helpers.ts";

const TOML = `
[[processes]]
name = "db"
command = "postgres"
args = ["-p", "{port}"]
port = 5432
ready = { tcp = "{port}" }

[[processes]]
name = "web"
command = "/usr/bin/python3"
args = ["-m", "http.server", "{port}"]
port = 8642
env = { GREETING = "hi 100%" }
depends_on = ["db"]
restart = "always"
restart_delay = "2s"
restart_delay_max = "2s"
max_restarts = 3
restart_window = "1m"
stop_signal = "INT"
stop_timeout = "15s"
success_exit_codes = [0, 3]
working_directory = "site"
autostart = false
`;

function unit(name: string): string[] {
  const result = exportSystemd(parse(TOML), {
    prefix: "tend-w",
    resolveCommand: (c) =>
      c === "postgres" ? "/usr/lib/pg/postgres" : undefined,
  });
  const file = result.files.find((f) => f.name === `tend-w-${name}.service`);
  assert.ok(file, name);
  return file.text.split("\n");
}

Deno.test("exportSystemd() carries each field over to its systemd setting", async (t) => {
  const cases: [string, string, string[]][] = [
    ["command resolved on PATH, {port} filled", "db", [
      "ExecStart=/usr/lib/pg/postgres -p 5432",
    ]],
    ["restart policy and backoff caps", "web", [
      "Restart=always",
      "RestartSec=2s",
      "StartLimitBurst=4",
      "StartLimitIntervalSec=60s",
    ]],
    ["default restart policy", "db", [
      "Restart=on-failure",
      "RestartSec=100ms",
      "StartLimitBurst=11",
    ]],
    ["stop", "web", [
      "KillSignal=SIGINT",
      "TimeoutStopSec=15s",
      "KillMode=control-group",
    ]],
    ["depends_on", "web", [
      "Requires=tend-w-db.service",
      "After=tend-w-db.service",
    ]],
    ["env with PORT, working directory", "web", [
      'Environment="GREETING=hi 100%%"',
      'Environment="PORT=8642"',
      "WorkingDirectory=/w/site",
    ]],
    ["log files", "db", [
      "StandardOutput=append:/w/.tend/log/db.log",
      "StandardError=append:/w/.tend/log/db.log",
    ]],
    ["success_exit_codes", "web", ["SuccessExitStatus=3"]],
    ["autostart services are wanted by default.target", "db", [
      "WantedBy=default.target",
    ]],
  ];
  for (const [label, name, lines] of cases) {
    await t.step(label, () => {
      const text = unit(name);
      for (const line of lines) assert.ok(text.includes(line), line);
    });
  }
  await t.step("autostart = false: no [Install]", () => {
    assert.ok(!unit("web").includes("[Install]"));
  });
});

Deno.test("exportSystemd() lists what it cannot carry over", () => {
  const { warnings } = exportSystemd(parse(TOML), { prefix: "tend-w" });
  assert.deepEqual(warnings, [
    '"db": ready (tcp) is not carried over: systemd starts dependents once the process has started',
    '"db": restart backoff (restart_delay doubling up to restart_delay_max 30s) is not carried over: systemd waits RestartSec=100ms every time (RestartSteps= needs systemd 254)',
    "log rotation (log_max_size, log_backups) is not carried over: rotate the StandardOutput= files with logrotate",
  ]);
});
