import assert from "node:assert/strict";
import {
  FLOOR_STATUS,
  startFloorSupervisor,
  writeStatusModulesEntry,
} from "../../scripts/_bench/floors.ts";
import { sleepersOf } from "../../scripts/_bench/procs.ts";
import { statusModules } from "../../scripts/_bench/status_modules.ts";
import {
  fixtureService,
  makeTempWorkspace,
  ROOT,
  tend,
  WAIT_MS,
} from "../_helpers.ts";

const CONFIG = `${ROOT}deno.json`;

async function denoRun(
  args: readonly string[],
): Promise<{ code: number; stdout: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", "--config", CONFIG, ...args],
    stdin: "null",
    stderr: "inherit",
    signal: AbortSignal.timeout(WAIT_MS),
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
  };
}

Deno.test("the floor supervisor runs each service in a group of its own and stops them all", async () => {
  let marker = "";
  let pids: number[] = [];
  {
    await using floor = await startFloorSupervisor(3, { config: CONFIG });
    marker = floor.marker;
    const running = sleepersOf(marker);
    assert.equal(running.size, 3);
    pids = [...running.values()];
    for (const pid of pids) {
      // setsid(1) made each a session leader: its group is its own PID.
      const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      assert.equal(Number(fields[2]), pid, `the group of ${pid}`);
      assert.equal(Number(fields[3]), pid, `the session of ${pid}`);
    }
    const written = await Promise.all(
      [0, 1, 2].map((i) => Deno.readTextFile(`${floor.dir}/s${i}.pid`)),
    );
    assert.deepEqual(written.map(Number).sort(), [...pids].sort());
    const conn = await Deno.connect({
      transport: "unix",
      path: `${floor.dir}/sock`,
    });
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
    );
    const answer = new TextDecoder().decode(
      await new Response(conn.readable).arrayBuffer(),
    );
    assert.match(answer, /"name":"s2","pid":\d+,"exited":false/);
  }
  assert.equal(sleepersOf(marker).size, 0, "services left running");
});

Deno.test("statusModules counts the modules status runs, not those it only names as types", async () => {
  const modules = (await statusModules(ROOT)).map((s) =>
    s.slice(`file://${ROOT}`.length)
  );
  assert.ok(modules.includes("main.ts"));
  // The command main.ts imports lazily, and what it imports.
  assert.ok(modules.includes("src/commands/status.ts"));
  assert.ok(modules.includes("src/ipc/client.ts"));
  // status.ts names the protocol's types only; up.ts is another command.
  assert.ok(!modules.includes("src/ipc/protocol.ts"));
  assert.ok(!modules.includes("src/commands/up.ts"));
  assert.ok(!modules.some((m) => m.startsWith("npm:")), "no npm package");
});

Deno.test("the entry of status's modules loads them all without running tend", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tend-test-floor-" });
  try {
    const { entry, count } = await writeStatusModulesEntry(dir, ROOT);
    assert.equal(count, (await statusModules(ROOT)).length);
    const text = await Deno.readTextFile(entry);
    assert.equal(text.match(/^import /gm)?.length, count);
    // main.ts would print tend's help if it ran; the entry prints ok.
    assert.deepEqual(await denoRun([entry]), { code: 0, stdout: "ok\n" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the one-file status client reads a real supervisor's services", async () => {
  await using ws = await makeTempWorkspace(fixtureService("web"));
  const started = await tend(ws, ["start", "--quiet"], { deadlineMs: WAIT_MS });
  assert.equal(started.code, 0, started.stderr);
  const pid = Number(await Deno.readTextFile(ws.path(".tend/run/web.pid")));
  assert.deepEqual(await denoRun([FLOOR_STATUS, ws.dir]), {
    code: 0,
    stdout: `web  running  ${pid}\n`,
  });
  await tend(ws, ["down", "--quiet"], { deadlineMs: WAIT_MS });
});
