import assert from "node:assert/strict";
import {
  makeTempWorkspace,
  readLines,
  statusJson,
  tend,
  upService,
} from "../_helpers.ts";
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

Deno.test("env_file: a restart refuses a value holding a NUL character or a file gone, naming them, and keeps the running copy", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.writeTextFile(ws.path(".env"), "A=1\n");
  await ws.writeConfig(upService("svc", 'env_file = ".env"'));
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^started "svc"/,
  });
  const before = (await statusJson(ws)).services[0]?.pid;
  assert.ok(typeof before === "number");

  // dotenv keeps a NUL inside quotes; no environment variable can hold one.
  await Deno.writeTextFile(ws.path(".env"), 'A=1\nB="x\0y"\n');
  assertRun(await tend(ws, ["restart", "svc"]), {
    code: 4,
    stdout: "",
    stderr: new RegExp(
      `^error: Cannot read env_file "${
        ws.path(".env")
      }" of "svc": the value of B contains a NUL character, which no environment variable can hold\\n`,
    ),
  });
  const [svc] = (await statusJson(ws)).services;
  assert.equal(svc?.status, "running");
  assert.equal(svc?.pid, before);

  // A file gone is refused the same way, before anything stops.
  await Deno.remove(ws.path(".env"));
  assertRun(await tend(ws, ["restart"]), {
    code: 4,
    stdout: "",
    stderr: /^error: Cannot read env_file ".*" of "svc": it does not exist\n/,
  });
  assert.equal((await statusJson(ws)).services[0]?.pid, before);

  await Deno.writeTextFile(ws.path(".env"), "A=2\n");
  assertRun(await tend(ws, ["restart", "svc"]), {
    code: 0,
    stderr: "",
    stdout: /^restarted "svc"/,
  });
  const after = (await statusJson(ws)).services[0];
  assert.equal(after?.status, "running");
  assert.notEqual(after?.pid, before);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});

Deno.test("env_file: a restart of a group whose edited file names an env file that is not there refuses, and every instance keeps running", async () => {
  await using ws = await makeTempWorkspace();
  const config = (extra: string) => upService("web", `instances = 2\n${extra}`);
  await ws.writeConfig(config(""));
  assertRun(await tend(ws, ["start"]), { code: 0, stderr: "", stdout: /^/ });
  const pids = async () =>
    (await statusJson(ws)).services.map((s) => `${s.name}:${s.pid}`);
  const before = await pids();
  assert.equal(before.length, 2);

  await ws.writeConfig(config('env_file = "missing.env"'));
  assertRun(await tend(ws, ["restart", "web"]), {
    code: 4,
    stdout: "",
    stderr:
      /^error: Cannot read env_file ".*missing\.env" of "web\.0": it does not exist\n/,
  });
  assert.deepEqual(await pids(), before);
  // Not applied: the file still differs from what the supervisor runs.
  const drift = (await statusJson(ws)).configDrift;
  assert.deepEqual(drift?.changed.sort(), ["web.0", "web.1"]);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});
