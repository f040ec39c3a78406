import assert from "node:assert/strict";
import {
  type PidFileAction,
  pidFileAction,
  type PidFileFinding,
} from "../../src/workspace/extra_pid_file.ts";

Deno.test("pidFileAction() never overwrites or deletes another live process's pid_file", async (t) => {
  const cases: [PidFileFinding, "start" | "exit", PidFileAction][] = [
    [{ kind: "absent" }, "start", "write"],
    [{ kind: "ours" }, "start", "write"],
    [{ kind: "dead", pid: 42 }, "start", "write"],
    [{ kind: "live", pid: 42 }, "start", "keep"],
    [{ kind: "unreadable", reason: "owned by root" }, "start", "keep"],
    [{ kind: "absent" }, "exit", "keep"],
    [{ kind: "ours" }, "exit", "remove"],
    [{ kind: "dead", pid: 42 }, "exit", "keep"],
    [{ kind: "live", pid: 42 }, "exit", "keep"],
    [{ kind: "unreadable", reason: "owned by root" }, "exit", "keep"],
  ];
  for (const [found, phase, expected] of cases) {
    await t.step(`${found.kind} at ${phase} → ${expected}`, () => {
      assert.equal(pidFileAction(found, { phase }), expected);
    });
  }
});
