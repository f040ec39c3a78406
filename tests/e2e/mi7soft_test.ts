import assert from "node:assert/strict";
import {
  freePort,
  isAlive,
  makeTempWorkspace,
  readPids,
  SERVICE_FIXTURE,
  statusJson,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

Deno.test("tend start runs mi7soft-daemon's README daemon.toml with its paths moved to a temp dir", async () => {
  await using ws = await makeTempWorkspace();
  const dir = ws.dir;
  const port = freePort("127.0.0.1");
  const marker = ws.path("my-service.marker");
  await Deno.mkdir(ws.path("opt"));
  await Deno.mkdir(ws.path("www"));
  await Deno.writeTextFile(ws.path("www/index.html"), "hello from www\n");
  const q = JSON.stringify;
  await Deno.writeTextFile(
    ws.path("daemon.toml"),
    `[daemon]
pid_file = ${q(`${dir}/mi7soft-daemon.pid`)}
log_file = ${q(`${dir}/mi7soft-daemon.log`)}
check_interval = 3

[[processes]]
name = "my-service"
command = ${q(Deno.execPath())}
args = ${q(["run", "-A", SERVICE_FIXTURE, "--marker", marker])}
working_directory = ${q(`${dir}/opt`)}
auto_restart = true
max_instances = 1

[[processes]]
name = "web-server"
command = "python3"
args = ["-m", "http.server", "${port}", "--bind", "127.0.0.1"]
working_directory = ${q(`${dir}/www`)}
auto_restart = true
`,
  );

  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout:
      /^started "my-service" \(pid \d+\)\nstarted "web-server" \(pid \d+\)\n$/,
    stderr: "",
  });

  const status = await statusJson(ws);
  assert.equal(status.workspace, dir);
  assert.equal(status.supervisor.status, "running");
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["my-service", "running"], ["web-server", "running"]],
  );
  const [myService, webServer] = status.services;
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "my-service to write its marker",
  });
  assert.deepEqual(await readPids(marker), [myService!.pid]);
  assert.ok(isAlive(webServer!.pid!));

  // python's http.server binds a moment after it starts.
  let page = "";
  await waitFor(async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/index.html`);
      page = await response.text();
      return response.ok;
    } catch {
      return false;
    }
  }, { message: `web-server to serve on port ${port}` });
  assert.equal(page, "hello from www\n");

  assert.deepEqual(await readPids(ws.path("mi7soft-daemon.pid")), [
    status.supervisor.pid,
  ]);
  const log = await Deno.stat(ws.path("mi7soft-daemon.log"));
  assert.ok(log.isFile && log.size > 0, "the supervisor log is empty");
});
