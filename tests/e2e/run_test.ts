import assert from "node:assert/strict";
import {
  fixtureService,
  freePort,
  isAlive,
  makeTempWorkspace,
  SERVICE_FIXTURE,
  statusJson,
  supervisorPid,
  tend,
  waitFor,
  waitForLines,
} from "../_helpers.ts";
import { assertRun as assertTriple, type Expected } from "./_assert.ts";
import type { RunResult } from "../_helpers.ts";

/** {@linkcode assertTriple} where stdout or stderr left out may be anything. */
function assertRun(
  result: RunResult,
  expected: Partial<Expected> & { code: number },
): void {
  assertTriple(result, { stdout: /[^]*/, stderr: /[^]*/, ...expected });
}

/** `-- deno run -A service.ts ARGS`: the service fixture as a tend run command. */
function fixtureCommand(args: readonly string[]): string[] {
  return ["--", Deno.execPath(), "run", "-A", SERVICE_FIXTURE, ...args];
}

const CONFIG = `# The workspace's own services.
${fixtureService("base", [], "autostart = false # started by hand")}`;

Deno.test("tend run starts a one-off service: status, logs, stop, and gone after down", async () => {
  await using ws = await makeTempWorkspace(CONFIG);
  const port = freePort();
  const marker = ws.path("web.marker");
  const run = await tend(ws, [
    "run",
    "web",
    "--port",
    String(port),
    "--ready",
    "tcp",
    ...fixtureCommand([
      "--listen",
      "--marker",
      marker,
      "--say",
      "hello from web",
    ]),
  ]);
  assertRun(run, {
    code: 0,
    stderr: "",
    stdout: new RegExp(`^started "web" \\(pid \\d+, port ${port}\\)\\n$`),
  });
  const [line] = await waitForLines(marker, 1);
  const pid = Number(line!.split(" ")[0]);
  assert.equal(line, `${pid} ${port} web`);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.close();

  const web = (await statusJson(ws)).services.find((s) => s.name === "web");
  assert.equal(web?.status, "running");
  assert.equal(web?.pid, pid);
  assert.ok(web?.oneOff, "status marks the one-off");
  const table = await tend(ws, ["status"]);
  assert.match(table.stdout, /^web\s+running/m);
  assert.match(table.stdout, /web: one-off \(tend run\)/);
  await waitFor(
    async () =>
      (await tend(ws, ["logs", "web", "-n", "5"])).stdout.includes(
        "hello from web",
      ),
    { message: "the one-off's line in tend logs web" },
  );

  assertRun(await tend(ws, ["stop", "web"]), {
    code: 0,
    stdout: 'stopped "web"\n',
  });
  assert.ok(!isAlive(pid), "stop ended the one-off");
  assertRun(await tend(ws, ["run", "web", ...fixtureCommand([])]), {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
  });
  const again = (await statusJson(ws)).services.find((s) => s.name === "web");
  assert.equal(again?.status, "running");

  assertRun(await tend(ws, ["down"]), { code: 0 });
  assert.ok(!isAlive(again!.pid!), "down ended the one-off");
  assertRun(await tend(ws, ["start"]), { code: 0 });
  const names = (await statusJson(ws)).services.map((s) => s.name);
  assert.deepEqual(names, ["base"]);
  assertRun(await tend(ws, ["down"]), { code: 0 });
});

Deno.test("tend run --save appends a block that keeps the file's comments, and the next start runs it", async () => {
  await using ws = await makeTempWorkspace(CONFIG);
  const marker = ws.path("job.marker");
  const run = await tend(ws, [
    "run",
    "--save",
    "job",
    "--ready",
    "log=hello",
    ...fixtureCommand(["--marker", marker, "--say", "hello"]),
  ]);
  assertRun(run, { code: 0, stdout: /started "job" \(pid \d+\)\n$/ });
  assert.match(run.stderr, /^added to ".*tend\.toml":\n\[\[processes\]\]\n/);
  const text = await Deno.readTextFile(ws.path("tend.toml"));
  assert.ok(text.startsWith(CONFIG), "the file's own text is kept as it was");
  assert.match(text, /autostart = false # started by hand/);
  assert.match(text, /\nname = "job"\n/);
  assert.match(text, /\nready = \{ log = "hello" \}\n$/);
  const saved = (await statusJson(ws)).services.find((s) => s.name === "job");
  assert.equal(saved?.status, "running");
  assert.equal(saved?.oneOff, undefined);

  assertRun(await tend(ws, ["down"]), { code: 0 });
  await waitForLines(marker, 1);
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stdout: /^started "job" \(pid \d+\)\n$/,
  });
  await waitForLines(marker, 2);
  assertRun(await tend(ws, ["down"]), { code: 0 });
});

Deno.test("tend run refuses a name of tend.toml, a bad --ready and a missing command, starting nothing", async () => {
  await using ws = await makeTempWorkspace(CONFIG);
  const before = await Deno.readTextFile(ws.path("tend.toml"));
  assertRun(await tend(ws, ["run", "base", ...fixtureCommand([])]), {
    code: 2,
    stderr:
      /Cannot run "base" as a one-off service: ".*tend\.toml" already has a service "base"/,
  });
  assertRun(await tend(ws, ["run", "--save", "base", ...fixtureCommand([])]), {
    code: 2,
    stderr: /already has a service "base"/,
  });
  assertRun(
    await tend(ws, ["run", "x", "--ready", "smtp", ...fixtureCommand([])]),
    { code: 2, stderr: /Cannot use --ready "smtp"/ },
  );
  assertRun(await tend(ws, ["run", "x"]), {
    code: 2,
    stderr: /expected a name and a command/,
  });
  assertRun(
    await tend(ws, ["run", "x", "--ready", "http=/", ...fixtureCommand([])]),
    {
      code: 4,
      stderr:
        /Cannot run "x": ready\.http uses "\{port\}" but the service has no port/,
    },
  );
  assert.equal(await Deno.readTextFile(ws.path("tend.toml")), before);
  const pid = await supervisorPid(ws);
  if (pid !== null) assertRun(await tend(ws, ["down"]), { code: 0 });
});
