import assert from "node:assert/strict";
import { exportCompose, healthTest } from "../../src/export/compose_export.ts";
import { TendError } from "../../src/errors.ts";
import { parse } from "../config/_helpers.ts";

const TOML = `
[[processes]]
name = "db"
command = "postgres"
port = 5432
ready = { tcp = "{port}" }
image = "postgres:16"

[[processes]]
name = "web"
command = "python3"
args = ["-m", "http.server", "{port}"]
port = 8642
env = { HOME_HINT = "$HOME" }
depends_on = ["db", "worker"]
ready = { http = "http://127.0.0.1:{port}/" }
stop_signal = "INT"
stop_timeout = "1500ms"

[[processes]]
name = "worker"
command = "python3"
args = ["worker.py"]
ready = { log = "ready" }
autostart = false
restart = "never"
`;

Deno.test("exportCompose() writes services with healthchecks and depends_on conditions", () => {
  const { files } = exportCompose(parse(TOML), { image: "python:3.12" });
  assert.equal(files.length, 1);
  assert.equal(files[0]!.name, "docker-compose.yml");
  const text = files[0]!.text;
  for (
    const line of [
      '    image: "postgres:16"',
      '    image: "python:3.12"',
      '      - "5432:5432"',
      '        - "nc -z 127.0.0.1 5432"',
      '      HOME_HINT: "$$HOME"',
      '      PORT: "8642"',
      '      - "8642"',
      '    working_dir: "/w"',
      '      - "/w:/w"',
      '      db:\n        condition: "service_healthy"',
      '      worker:\n        condition: "service_started"',
      '    stop_signal: "SIGINT"',
      '    stop_grace_period: "1500ms"',
      '    restart: "no"',
      '    profiles:\n      - "manual"',
    ]
  ) assert.ok(text.includes(line), `${line}\n---\n${text}`);
});

Deno.test("exportCompose() fails clearly when a service has no image", () => {
  assert.throws(() => exportCompose(parse(TOML), { image: undefined }), (e) => {
    assert.ok(e instanceof TendError);
    assert.equal(e.code, "USAGE");
    assert.equal(
      e.message,
      'Cannot export to Compose: "web", "worker" name no image',
    );
    return true;
  });
});

Deno.test("exportCompose() lists what it cannot carry over", () => {
  const { warnings } = exportCompose(parse(TOML), { image: "python:3.12" });
  assert.deepEqual(warnings, [
    '"db": the healthcheck runs nc inside the container: the image must have it',
    '"db": max_restarts, restart_window and the restart backoff are not carried over: Docker restarts with its own delays',
    '"web": the healthcheck runs curl or wget inside the container: the image must have it',
    '"web": max_restarts, restart_window and the restart backoff are not carried over: Docker restarts with its own delays',
    '"worker": ready = { log = ... } has no Compose equivalent: no healthcheck, dependents wait only for the start',
    "log files (log_file, rotation) are not carried over: output goes to Docker's log driver (docker-compose logs)",
  ]);
});

Deno.test("healthTest() turns each ready check into a shell command", async (t) => {
  const cases: [string, Parameters<typeof healthTest>[0], string | null][] = [
    [
      "tcp port",
      { ready: { kind: "tcp", target: "{port}" }, port: 80 },
      "nc -z 127.0.0.1 80",
    ],
    ["tcp host:port", {
      ready: { kind: "tcp", target: "[::1]:5432" },
      port: null,
    }, "nc -z ::1 5432"],
    [
      "http with a quote",
      {
        ready: { kind: "http", url: "http://h:1/a'b" },
        port: null,
      },
      "curl -fsS -o /dev/null 'http://h:1/a'\\''b' || wget -q -O /dev/null 'http://h:1/a'\\''b'",
    ],
    ["command", {
      ready: { kind: "command", command: "pg_isready -p {port}" },
      port: 5,
    }, "pg_isready -p 5"],
    ["log", { ready: { kind: "log", pattern: "x" }, port: null }, null],
    ["none", { ready: null, port: null }, null],
  ];
  for (const [label, service, expected] of cases) {
    await t.step(label, () => assert.equal(healthTest(service), expected));
  }
});
