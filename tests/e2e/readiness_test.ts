import assert from "node:assert/strict";
import {
  firstLine,
  fixtureService,
  freePort,
  isAlive,
  makeTempWorkspace,
  readLines,
  statusJson,
  taggedWith,
  tend,
  WAIT_MS,
  waitFor,
} from "../_helpers.ts";
import { assertJsonFailure, assertRun } from "./_assert.ts";

Deno.test("tend start returns once a tcp-ready service accepts connections", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const port = freePort();
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--marker", marker, "--listen"],
      `port = ${port}
ready = { tcp = "{port}" }`,
    ),
  );
  const started = await tend(ws, ["start"]);
  assertRun(started, {
    code: 0,
    stdout: new RegExp(`^started "web" \\(pid \\d+, port ${port}\\)\\n$`),
    stderr: "",
  });
  // No wait: start returned, so the port must accept now.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.close();
  const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
  // It listens before it writes its marker.
  await waitFor(async () => (await readLines(marker)).length === 1, {
    message: "the service to write its marker",
  });
  assert.deepEqual(await readLines(marker), [`${pid} ${port} web`]);
});

Deno.test("tend start fails with START_FAILED and the log when a service exits 3 before it is ready", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService(
      "web",
      [
        "--marker",
        marker,
        "--say",
        "boom: missing config",
        "--exit",
        "3",
        "--after",
        "100",
      ],
      'ready = { log = "never-printed" }\nrestart = "never"',
    ),
  );
  const result = await tend(ws, ["start"]);
  assertRun(result, {
    code: 1,
    stdout: "",
    stderr:
      /^error: Cannot start "web": exited with code 3; last lines of its log:\n(?:[^\n]*\n)*boom: missing config\n(?:[^\n]*\n)*hint: See the whole log with "tend logs web"\n$/,
  });
  assert.equal((await readLines(marker)).length, 1, "the service ran");

  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "failed", JSON.stringify(view));
  assert.equal(view.lastExit?.code, 3, JSON.stringify(view));
  assert.match(view.reason ?? "", /exited with code 3/);

  const [failure] = assertJsonFailure(await tend(ws, ["start", "--json"]), {
    code: 1,
    errorCode: "START_FAILED",
    message: /exited with code 3/,
  });
  assert.match(failure?.error?.logTail ?? "", /boom: missing config/);
  assert.equal((await readLines(marker)).length, 2, "it ran once more");
});

Deno.test("tend start fails with START_FAILED after ready_timeout and ends the service", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--marker", marker, "--say", "still booting"],
      `ready = { log = "never-printed" }
ready_timeout = "1s"`,
    ),
  );
  const result = await tend(ws, ["start"]);
  assertRun(result, {
    code: 1,
    stdout: "",
    stderr:
      /^error: Cannot start "web": not ready after 1 s \(waited for a log line matching \/never-printed\/\); last lines of its log:\n(?:[^\n]*\n)*still booting\n(?:[^\n]*\n)*hint: [^\n]+\n$/,
  });
  const pids = (await readLines(marker)).map((line) =>
    Number(line.split(" ")[0])
  );
  assert.equal(pids.length, 1, "the service ran");
  assert.ok(!isAlive(pids[0]!), "the unready service was ended");
  const services = (await taggedWith(ws.dir)).filter((p) => !p.supervisor);
  assert.deepEqual(services, [], "nothing of the service is left");
  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "failed", JSON.stringify(view));
  assert.equal(view.pid, null);
  assert.match(view.reason ?? "", /not ready after 1 s/);
});

Deno.test("tend start waits for an http-ready python http.server that then answers 2xx", async () => {
  await using ws = await makeTempWorkspace();
  const port = freePort();
  await Deno.writeTextFile(ws.path("hello.txt"), "hello from tend\n");
  await ws.writeConfig(`[[processes]]
name = "site"
command = "python3"
args = ["-m", "http.server", "{port}", "--bind", "127.0.0.1"]
port = ${port}
ready = { http = "http://127.0.0.1:{port}/hello.txt" }
`);
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: new RegExp(`^started "site" \\(pid \\d+, port ${port}\\)\\n$`),
    stderr: "",
  });
  using client = Deno.createHttpClient({});
  const response = await fetch(`http://127.0.0.1:${port}/hello.txt`, {
    client,
  });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "hello from tend\n");
  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "running");
  assert.equal(view.port, port);
});

Deno.test("tend http readiness wants a 2xx: a 404 is not ready", async () => {
  await using ws = await makeTempWorkspace();
  const port = freePort();
  await ws.writeConfig(`[[processes]]
name = "site"
command = "python3"
args = ["-m", "http.server", "{port}", "--bind", "127.0.0.1"]
port = ${port}
ready = { http = "http://127.0.0.1:{port}/missing" }
ready_timeout = "1s"
`);
  const result = await tend(ws, ["start", "--json"]);
  assertJsonFailure(result, {
    code: 1,
    errorCode: "START_FAILED",
    message:
      /^Cannot start "site": not ready after 1 s \(waited for http:\/\/127\.0\.0\.1:\d+\/missing to answer 2xx\)[^]*"GET \/missing HTTP\/1\.[01]" 404/,
  });
  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "failed");
  await assert.rejects(
    Deno.connect({ hostname: "127.0.0.1", port }),
    Deno.errors.ConnectionRefused,
    "the unready server was ended",
  );
});

Deno.test("tend command readiness runs the check through sh until it exits 0", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService(
      "web",
      ["--marker", marker],
      `ready = { command = ${JSON.stringify(`test -s '${marker}'`)} }`,
    ),
  );
  const started = await tend(ws, ["start"]);
  assertRun(started, {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  // Ready means the check passed: the marker exists now, without waiting.
  const pid = Number(/pid (\d+)/.exec(started.stdout)?.[1]);
  assert.deepEqual(await readLines(marker), [`${pid} - web`]);
});

Deno.test("a ready command still running when the wait ends is ended with its whole group", async () => {
  await using ws = await makeTempWorkspace();
  const started = ws.path("check-started");
  // `sh -c` forks the sleep: ending `sh` alone left the sleep running.
  await ws.writeConfig(
    fixtureService(
      "web",
      [],
      `ready = { command = ${
        JSON.stringify(`touch '${started}'; sleep 3600; true`)
      } }
ready_timeout = "1s"`,
    ),
  );
  const start = await tend(ws, ["start"], { deadlineMs: WAIT_MS });
  assert.equal(start.code, 1, JSON.stringify(start));
  assert.match(start.stderr, /not ready after 1 s/);
  await Deno.stat(started); // the check really ran
  assert.equal((await tend(ws, ["down"], { deadlineMs: WAIT_MS })).code, 0);
  // The check inherits the supervisor's tag: nothing of it may be left.
  await waitFor(
    async () => (await taggedWith(ws.dir)).length === 0,
    { message: "every process of the workspace to be gone" },
  );
});

/**
 * A port whose connects are never answered: a listener with a full accept
 * queue that never accepts, so the kernel drops further SYNs and a connect
 * waits through its retries (about two minutes).
 */
const DEAF_PORT = `
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
fill = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fill.append(c)
print(port, flush=True)
time.sleep(3600)
`;

Deno.test("ready_timeout holds for a tcp check whose connect is never answered", async () => {
  await using ws = await makeTempWorkspace();
  const deaf = new Deno.Command("python3", {
    args: ["-c", DEAF_PORT],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const port = Number(await firstLine(deaf.stdout, 10_000));
    assert.ok(port > 0, "the deaf listener printed its port");
    await ws.writeConfig(
      fixtureService(
        "web",
        [],
        `ready = { tcp = "127.0.0.1:${port}" }\nready_timeout = "2s"`,
      ),
    );
    const start = await tend(ws, ["start"], { deadlineMs: WAIT_MS });
    assert.equal(start.code, 1, JSON.stringify(start));
    assert.match(
      start.stderr,
      new RegExp(`not ready after 2 s \\(waited for 127\\.0\\.0\\.1:${port} `),
    );
  } finally {
    deaf.kill("SIGKILL");
    await deaf.status;
  }
});

Deno.test("ready_timeout holds for a log check whose log became a FIFO", async () => {
  await using ws = await makeTempWorkspace();
  const log = ws.path(".tend/log/web.log");
  // The service puts a FIFO where its log was: opening it to read would
  // wait for a writer that never comes.
  await ws.writeConfig(`[[processes]]
name = "web"
command = "sh"
args = ["-c", ${
    JSON.stringify(`rm -f '${log}'; mkfifo '${log}'; exec sleep 3600`)
  }]
ready = { log = "never printed" }
ready_timeout = "2s"
`);
  const start = await tend(ws, ["start"], { deadlineMs: WAIT_MS });
  assert.equal(start.code, 1, JSON.stringify(start));
  assert.match(start.stderr, /not ready after 2 s/);
  assert.ok((await Deno.lstat(log)).isFifo, "the service made its FIFO");
  const status = await tend(ws, ["status", "--json"], { deadlineMs: WAIT_MS });
  assert.equal(status.code, 3, JSON.stringify(status));
});
