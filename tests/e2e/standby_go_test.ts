/**
 * A standby supervisor (`tend __supervise --standby`) and the go line on its
 * stdin (src/ipc/go.ts), with no CLI: the test writes the line itself.
 */
import assert from "node:assert/strict";
import { ControlClient } from "../../src/ipc/client.ts";
import { goLine, MAX_GO_BYTES } from "../../src/ipc/go.ts";
import {
  cliEnv,
  firstLine,
  fixtureService,
  makeTempWorkspace,
  readLines,
  readPids,
  supervisorStatus,
  type TempWorkspace,
  tendArgv,
  waitFor,
} from "../_helpers.ts";

/** A standby supervisor of `ws`, told `line` on its stdin (then closed). */
interface Standby extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
}

async function standbyTold(ws: TempWorkspace, line: string): Promise<Standby> {
  const child = new Deno.Command(Deno.execPath(), {
    args: tendArgv([
      "__supervise",
      "--standby",
      "-C",
      ws.dir,
      "-c",
      ws.path("tend.toml"),
    ]),
    cwd: ws.dir,
    clearEnv: true,
    env: cliEnv({ TEND_SUPERVISOR: ws.dir }),
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(line));
  await writer.close();
  return {
    child,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has ended.
      }
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

function markedService(ws: TempWorkspace): string {
  return fixtureService("web", ["--marker", ws.path("web.marker")]);
}

Deno.test("a standby told to go with a start begins it, and answers its request with it once", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(markedService(ws));
  const id = crypto.randomUUID();
  await using standby = await standbyTold(
    ws,
    goLine({ id, names: ["web"], wait: true }),
  );
  const handshake = JSON.parse(await firstLine(standby.child.stdout, 30_000));
  assert.ok(handshake.ok === true, JSON.stringify(handshake));
  // Nobody asked yet: the go alone starts web.
  await waitFor(
    async () => (await readPids(ws.path("web.marker"))).length > 0,
    {
      message: "web to start on the go alone",
    },
  );
  using client = new ControlClient(ws.path(".tend/run/tend.sock"));
  const first = await client.start(["web"], { launch: id });
  const [pid] = await readPids(ws.path("web.marker"));
  assert.deepEqual(
    first.results.map((r) => [r.name, r.action, r.service.pid]),
    [["web", "started", pid]],
  );
  const again = await client.start(["web"], { launch: id });
  assert.deepEqual(
    again.results.map((r) => [r.name, r.action]),
    [["web", "already-running"]],
  );
  assert.deepEqual(await readPids(ws.path("web.marker")), [pid]);
  const spawned = (await readLines(ws.path(".tend/log/tend.log"))).filter((
    line,
  ) => line.includes('spawned "web"'));
  assert.equal(spawned.length, 1, spawned.join("\n"));
});

Deno.test("a standby told to go with a malformed start serves and starts nothing", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(markedService(ws));
  await using standby = await standbyTold(
    ws,
    'go {"id":"launch-1","names":["web"],"wait":true}\n',
  );
  const handshake = JSON.parse(await firstLine(standby.child.stdout, 30_000));
  assert.ok(handshake.ok === true, JSON.stringify(handshake));
  const status = await supervisorStatus(ws);
  assert.deepEqual(
    status?.services.map((s) => [s.name, s.status]),
    [["web", "stopped"]],
  );
  assert.deepEqual(await readPids(ws.path("web.marker")), []);
});

Deno.test("a standby that reads no go line exits without touching anything", async (t) => {
  const lines: [string, string][] = [
    ["another word", "stop\n"],
    ["not JSON", "go {\n"],
    ["an array", 'go ["web"]\n'],
    ["no newline", "go"],
    ["more after the line", "go\ngo\n"],
    ["a line too long", `go ${" ".repeat(MAX_GO_BYTES)}{}\n`],
  ];
  for (const [label, line] of lines) {
    await t.step(label, async () => {
      await using ws = await makeTempWorkspace();
      await ws.writeConfig(markedService(ws));
      await using standby = await standbyTold(ws, line);
      await standby.child.stdout.cancel();
      const status = await standby.child.status;
      assert.equal(status.code, 0);
      await assert.rejects(
        Deno.lstat(ws.path(".tend")),
        Deno.errors.NotFound,
      );
    });
  }
});
