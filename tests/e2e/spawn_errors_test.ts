/** A service that cannot be spawned gets an error naming it and a hint that fits. */
import assert from "node:assert/strict";
import { makeTempWorkspace, supervisorPid, tend } from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

Deno.test("tend start gives spawn errors hints that fit the cause", async (t) => {
  await using ws = await makeTempWorkspace();
  const script = ws.path("run.sh");
  await Deno.writeTextFile(script, "#!/bin/sh\nexec sleep 30\n");
  await Deno.chmod(script, 0o644);
  const cases: [string, string, RegExp][] = [
    [
      "permission denied",
      `command = ${JSON.stringify(script)}`,
      /^error: Cannot start "svc": cannot run "[^"]*run\.sh": permission denied\nhint: Make it executable \("chmod \+x [^"]*run\.sh"\)/,
    ],
    [
      "a command with spaces",
      'command = "sleep 30"',
      /^error: Cannot start "svc": cannot run "sleep 30": command not found\nhint: command is one program name: use command = "sleep" with args = \["30"\], or command = "sh" with args = \["-c", "sleep 30"\]\n$/,
    ],
    [
      "a missing working_directory",
      `command = "sleep"\nargs = ["30"]\nworking_directory = ${
        JSON.stringify(ws.path("gone"))
      }`,
      /^error: Cannot start "svc": cannot use working_directory "[^"]*gone": it does not exist\nhint: /,
    ],
  ];
  for (const [what, lines, stderr] of cases) {
    await t.step(what, async () => {
      await ws.writeConfig(`[[processes]]\nname = "svc"\n${lines}\n`);
      if (await supervisorPid(ws) !== null) await tend(ws, ["reload"]);
      assertRun(await tend(ws, ["start"]), { code: 1, stdout: "", stderr });
    });
  }
  assert.ok(await supervisorPid(ws) !== null);
  await tend(ws, ["down"]);
});
