import assert from "node:assert/strict";
import { fromFileUrl } from "../_path.ts";
import { openWorkspace } from "../../mod.ts";
import {
  cliEnv,
  decodeOutput,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  statusJson,
  taggedProcesses,
  taggedWith,
  tend,
  waitFor,
} from "../_helpers.ts";

const ROOT = fromFileUrl(new URL("../../", import.meta.url));
const MOD = `${ROOT}mod.ts`;

/** Runs `deno run -A SCRIPT ...args` in `cwd`, with no deno.json around it. */
async function runScript(
  script: string,
  options: { cwd: string; args?: string[] },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script, ...options.args ?? []],
    cwd: options.cwd,
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}

/**
 * A consumer's script: imports mod.ts by absolute path (no import map, no
 * deno.json), drives the workspace given as its argument and prints what
 * it saw as one JSON document.
 */
const CONSUMER = `import { openWorkspace, TendError } from ${
  JSON.stringify(MOD)
};

const report: Record<string, unknown> = {};
const codeOf = async (work: () => Promise<unknown>) => {
  try {
    await work();
    return null;
  } catch (error) {
    return error instanceof TendError ? error.code : \`not a TendError: \${error}\`;
  }
};
const ws = await openWorkspace(Deno.args[0]!);
const output: string[] = [];
const started = await ws.start(["web"], {
  onOutput: (line, service) => output.push(\`\${service}: \${line}\`),
});
report.started = started.results.map((r) => [r.name, r.action, r.service.pid]);
report.output = output;
report.status = await ws.status();
report.running = await ws.isRunning("web");
report.unknown = await codeOf(() => ws.status(["nope"]));
report.noConfig = await codeOf(() => openWorkspace(Deno.args[1]!));
const logs: string[] = [];
const stop = new AbortController();
for await (const line of ws.logs("web", { follow: true, signal: stop.signal })) {
  logs.push(line);
  if (line.includes("up")) stop.abort();
}
report.logs = logs;
const killedAt = Date.now();
report.killed = (await ws.kill(["web"])).results.map((r) => [r.name, r.action]);
report.killMs = Date.now() - killedAt;
report.runningAfterKill = await ws.isRunning("web");
report.down = (await ws.down()).supervisorStopped;
console.log(JSON.stringify(report));
`;

Deno.test("a script outside the repo imports mod.ts by path and drives real processes", async () => {
  await using ws = await makeTempWorkspace();
  // SIGTERM is ignored and stop_timeout is long: only an immediate SIGKILL
  // ends "web" quickly.
  await ws.writeConfig(fixtureService(
    "web",
    ["--ignore-term", "--say", "hello from web"],
    // Ready once its line is in the log: onOutput has seen it by then.
    'stop_timeout = "60s"\nready = { log = "hello from web" }',
  ));
  const consumer = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "tend-consumer-" }),
  );
  try {
    await Deno.writeTextFile(`${consumer}/consumer.ts`, CONSUMER);
    const run = await runScript("consumer.ts", {
      cwd: consumer,
      args: [ws.dir, consumer],
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const report = JSON.parse(run.stdout);

    // The service's own line, in its log, shows that it ran.
    const [[name, action, pid]] = report.started;
    assert.deepEqual([name, action], ["web", "started"]);
    assert.ok(pid > 0);
    assert.ok(
      (report.output as string[]).includes("web: hello from web"),
      JSON.stringify(report.output),
    );
    assert.equal(report.status.workspace, ws.dir);
    assert.equal(report.status.supervisor.status, "running");
    assert.equal(report.status.services[0].name, "web");
    assert.equal(report.status.services[0].status, "running");
    assert.equal(report.status.services[0].pid, pid);
    assert.ok(report.running === true);
    assert.equal(report.unknown, "UNKNOWN_SERVICE");
    assert.equal(report.noConfig, "CONFIG_INVALID");
    assert.ok((report.logs as string[]).includes("hello from web"));
    assert.deepEqual(report.killed, [["web", "stopped"]]);
    assert.ok(report.killMs < 30_000, `kill took ${report.killMs} ms`);
    assert.ok(report.runningAfterKill === false);
    assert.ok(report.down === true, "the supervisor stopped");
    assert.ok(!isAlive(pid), `pid ${pid} is gone`);
    assert.deepEqual(await taggedProcesses(ws.dir), []);
  } finally {
    await Deno.remove(consumer, { recursive: true });
  }
});

Deno.test("examples/library.ts runs against a real workspace", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    fixtureService(
      "api",
      ["--say", "api says hi"],
      'ready = { log = "api says hi" }',
    ),
  );
  const run = await runScript(`${ROOT}examples/library.ts`, {
    cwd: ws.dir,
    args: [ws.dir],
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  const started = /^started api \(pid (\d+)\)$/m.exec(run.stdout);
  assert.ok(started, run.stdout);
  const pid = Number(started[1]);
  assert.match(run.stdout, /^api: running, port null$/m);
  assert.match(run.stdout, /^running api: true$/m);
  // The service's own line, read back from its log: it ran.
  assert.match(run.stdout, /^api log \| api says hi$/m);
  assert.match(run.stdout, /^stopped 1 services$/m);
  await waitFor(() => !isAlive(pid), { message: "api to be stopped" });
  assert.equal((await statusJson(ws)).supervisor.status, "stopped");
});

Deno.test("kill() without a supervisor SIGKILLs the group at once and records it stopped", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService(
    "web",
    ["--marker", marker, "--ignore-term"],
    'stop_timeout = "60s"',
  ));
  assert.equal((await tend(ws, ["start"])).code, 0);
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "the service to write its marker",
  });
  const pid = (await readPids(marker))[0]!;
  const supervisor = (await taggedWith(ws.dir)).find((p) => p.supervisor);
  assert.ok(supervisor, "a supervisor runs");
  Deno.kill(supervisor.pid, "SIGKILL");
  await waitFor(() => !isAlive(supervisor.pid), {
    message: "the supervisor to die",
  });

  const library = await openWorkspace(ws.dir);
  const begun = Date.now();
  const { results } = await library.kill();
  const tookMs = Date.now() - begun;
  assert.deepEqual(results.map((r) => [r.name, r.action]), [
    ["web", "stopped"],
  ]);
  assert.ok(tookMs < 30_000, `kill took ${tookMs} ms`);
  assert.ok(!isAlive(pid), `pid ${pid} is gone`);
  const status = await statusJson(ws);
  assert.equal(status.services[0]!.status, "stopped");
});
