/**
 * The start sent with the go (src/ipc/go.ts): a cold `tend start` tells
 * its standby supervisor what to start, the supervisor begins it as soon as
 * it serves, and the CLI's own request gets that start's answer.
 */
import assert from "node:assert/strict";
import { ControlClient } from "../../src/ipc/client.ts";
import { readCommand } from "../../src/proc/scan.ts";
import {
  decodeOutput,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readLines,
  readPids,
  spawnTend,
  supervisorPid,
  taggedWith,
  type TempWorkspace,
  tend,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/** A fixture service `name` that appends its pid to `<name>.marker`. */
function markedService(ws: TempWorkspace, name: string): string {
  return fixtureService(name, ["--marker", ws.path(`${name}.marker`)]);
}

/** The `spawned "<name>"` lines of the supervisor log. */
async function spawnedLines(
  ws: TempWorkspace,
  name: string,
): Promise<string[]> {
  return (await readLines(ws.path(".tend/log/tend.log"))).filter((line) =>
    line.includes(`spawned "${name}" pid`)
  );
}

/** The pids of the live processes of service `name` in `ws`. */
async function servicePids(ws: TempWorkspace, name: string): Promise<number[]> {
  return (await taggedWith(ws.dir)).filter((p) => p.service === name).map((p) =>
    p.pid
  );
}

/** Asserts that `name` runs once, as `pid`: one process, one marker, one spawn. */
async function assertRunsOnce(
  ws: TempWorkspace,
  name: string,
  pid: number,
): Promise<void> {
  assert.ok(isAlive(pid), `"${name}" (pid ${pid}) is not alive`);
  assert.deepEqual(await readPids(ws.path(`${name}.marker`)), [pid]);
  assert.deepEqual(await servicePids(ws, name), [pid]);
  const spawned = await spawnedLines(ws, name);
  assert.equal(spawned.length, 1, spawned.join("\n"));
  assert.match(spawned[0]!, new RegExp(`spawned "${name}" pid ${pid}\\b`));
}

/** The pid `tend start` printed for `name`. */
function startedPid(stdout: string, name: string): number {
  const match = stdout.match(
    new RegExp(`^started "${name}" \\(pid (\\d+)\\)$`, "m"),
  );
  assert.ok(
    match !== null,
    `no started "${name}" in ${JSON.stringify(stdout)}`,
  );
  return Number(match[1]);
}

/** Asserts that the supervisor of `ws` is the standby a CLI launched. */
async function assertStandbySupervisor(ws: TempWorkspace): Promise<void> {
  const pid = await supervisorPid(ws);
  assert.ok(pid !== null && isAlive(pid), "no live supervisor");
  assert.match(await readCommand(pid) ?? "", /__supervise --standby/);
}

Deno.test("a cold tend start of one service starts it once, with the start sent with the go", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(markedService(ws, "web"));
  const run = await tend(ws, ["start", "web"]);
  assertRun(run, {
    code: 0,
    stdout: /^started "web" \(pid \d+\)\n$/,
    stderr: "",
  });
  await assertStandbySupervisor(ws);
  await assertRunsOnce(ws, "web", startedPid(run.stdout, "web"));
});

Deno.test("the launched supervisor begins the start of the go before the CLI asks for it", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(markedService(ws, "web"));
  const cli = spawnTend(ws, ["start", "web"]);
  const output = cli.output();
  let stopped = false;
  try {
    // Frozen as soon as its supervisor exists, the CLI has not read the
    // handshake yet, nor sent its start: the service starts all the same.
    await waitFor(async () => await supervisorPid(ws) !== null, {
      intervalMs: 2,
      message: "the launched supervisor's pid file",
    });
    Deno.kill(cli.pid, "SIGSTOP");
    stopped = true;
    await waitFor(
      async () => (await readPids(ws.path("web.marker"))).length > 0,
      {
        message: "web to start while its CLI is frozen",
      },
    );
    Deno.kill(cli.pid, "SIGCONT");
    stopped = false;
    const run = decodeOutput(await output);
    assertRun(run, {
      code: 0,
      stdout: /^started "web" \(pid \d+\)\n$/,
      stderr: "",
    });
    await assertRunsOnce(ws, "web", startedPid(run.stdout, "web"));
  } finally {
    if (stopped) Deno.kill(cli.pid, "SIGCONT");
    try {
      cli.kill("SIGKILL");
    } catch {
      // It has ended.
    }
    await output;
  }
});

Deno.test("a cold tend start of every service starts each once", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    markedService(ws, "api") + "\n" + markedService(ws, "web"),
  );
  const run = await tend(ws, ["start"]);
  assertRun(run, {
    code: 0,
    stdout:
      /^started "(api|web)" \(pid \d+\)\nstarted "(api|web)" \(pid \d+\)\n$/,
    stderr: "",
  });
  await assertStandbySupervisor(ws);
  for (const name of ["api", "web"]) {
    await assertRunsOnce(ws, name, startedPid(run.stdout, name));
  }
});

Deno.test("a start with a launch id the supervisor never got is a start as any other", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    markedService(ws, "api") + "\n" + markedService(ws, "web"),
  );
  const run = await tend(ws, ["start", "web"]);
  assertRun(run, { code: 0, stdout: /^started "web"/, stderr: "" });
  using client = new ControlClient(ws.path(".tend/run/tend.sock"));
  const launch = crypto.randomUUID();
  const started = await client.start(["api"], { launch });
  assert.deepEqual(
    started.results.map((r) => [r.name, r.action]),
    [["api", "started"]],
  );
  await assertRunsOnce(ws, "api", started.results[0]!.service.pid!);
  const again = await client.start(["web"], { launch });
  assert.deepEqual(
    again.results.map((r) => [r.name, r.action]),
    [["web", "already-running"]],
  );
  await assertRunsOnce(ws, "web", startedPid(run.stdout, "web"));
});
