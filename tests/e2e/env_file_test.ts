import assert from "node:assert/strict";
import { makeTempWorkspace, readLines, statusJson, tend } from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

Deno.test("env_file: env entries win over the file, and a changed file takes effect on restart", async () => {
  await using ws = await makeTempWorkspace();
  const out = ws.path("out");
  await Deno.writeTextFile(
    ws.path(".env"),
    '# the database\nA=from-file\nB=from-file\nQUOTED="two words"\n',
  );
  await ws.writeConfig(`[[processes]]
name = "svc"
command = "sh"
args = ["-c", 'echo "A=$A B=$B Q=$QUOTED" >> ${out}; echo up; exec sleep 300']
env_file = [".env", { path = ".env.local", optional = true }]
env = { B = "from-env" }
ready = { log = "up" }
`);
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^started "svc"/,
  });
  assert.deepEqual(await readLines(out), [
    "A=from-file B=from-env Q=two words",
  ]);

  await Deno.writeTextFile(ws.path(".env"), "A=changed\nB=from-file\n");
  await Deno.writeTextFile(ws.path(".env.local"), "QUOTED=local\n");
  assertRun(await tend(ws, ["restart", "svc"]), {
    code: 0,
    stderr: "",
    stdout: /^restarted "svc"/,
  });
  assert.deepEqual((await readLines(out)).slice(1), [
    "A=changed B=from-env Q=local",
  ]);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});

Deno.test("env_file: a missing file that is not optional fails the start, naming it", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(`[[processes]]
name = "svc"
command = "sh"
args = ["-c", "exec sleep 300"]
env_file = ".env"
`);
  const result = await tend(ws, ["start"]);
  assertRun(result, {
    code: 4,
    stdout: "",
    stderr: new RegExp(
      `^error: Cannot read env_file "${
        ws.path(".env")
      }" of "svc": it does not exist\\nhint: Create it, or mark it optional`,
    ),
  });
  const [svc] = (await statusJson(ws)).services;
  assert.equal(svc?.status, "failed");
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});
