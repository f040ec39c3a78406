import assert from "node:assert/strict";
import { join } from "node:path";
import { sessionCommand } from "../../src/proc/session_spawn.ts";
import { spawnDetached } from "../../src/proc/spawn.ts";
import { parseStat } from "../../src/proc/_stat.ts";
import { groupExists } from "../../src/proc/group.ts";
import { pollUntil } from "../../src/_async.ts";

const LINUX = Deno.build.os === "linux";
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const HAS_SETSID = ["/usr/bin/setsid", "/bin/setsid"].some((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name:
    "sessionCommand() runs a program found on the PATH through setsid(1), by its resolved path",
  ignore: !LINUX || !HAS_SETSID,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tend_session_" });
    try {
      const bin = join(dir, "bin");
      await Deno.mkdir(bin);
      await Deno.writeTextFile(join(bin, "tool"), "#!/bin/sh\nexit 0\n");
      await Deno.chmod(join(bin, "tool"), 0o755);
      const command = sessionCommand({
        command: "tool",
        args: ["a b", "c"],
        env: { PATH: `${dir}/nothing:${bin}` },
      });
      assert.ok(command !== null);
      assert.match(command.command, /\/setsid$/);
      assert.deepEqual(command.args, ["--", join(bin, "tool"), "a b", "c"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "sessionCommand() leaves to a detached spawn what the runtime would refuse or resolve otherwise",
  ignore: !LINUX || !HAS_SETSID,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tend_session_" });
    try {
      const file = (name: string, text: string, mode: number) => {
        Deno.writeTextFileSync(join(dir, name), text);
        Deno.chmodSync(join(dir, name), mode);
        return join(dir, name);
      };
      const cases = {
        missing: "no-such-program-here",
        notExecutable: file("plain.sh", "#!/bin/sh\n", 0o644),
        noShebang: file("bare.sh", "echo hi\n", 0o755),
        missingInterpreter: file("lost.sh", "#!/no/such/sh\n", 0o755),
        relative: "./plain.sh",
        withSpaces: "sleep 30",
      };
      for (const [what, command] of Object.entries(cases)) {
        assert.equal(
          sessionCommand({ command, args: [], env: { PATH } }),
          null,
          what,
        );
      }
      assert.equal(
        sessionCommand({ command: "sleep", args: [], env: {} }),
        null,
        "no PATH",
      );
      assert.equal(
        sessionCommand({ command: "sleep", args: [], env: { PATH: "bin" } }),
        null,
        "a relative PATH entry",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "spawnDetached() gives a plain program its own session and group, with the argv of a detached spawn",
  ignore: !LINUX,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tend_session_" });
    const child = await spawnDetached({
      command: "sleep",
      args: ["300"],
      cwd: dir,
      env: { PATH },
      logFile: join(dir, "out.log"),
    });
    // The group exists when spawnDetached returns: a stop can signal it.
    const groupAtOnce = groupExists(child.pid);
    try {
      assert.ok(groupAtOnce);
      const stat = parseStat(
        await Deno.readTextFile(`/proc/${child.pid}/stat`),
      );
      assert.equal(stat?.pgrp, child.pid);
      assert.equal(stat?.sid, child.pid);
      // After its exec, the program with its resolved path as argv[0].
      let argv: string[] = [];
      await pollUntil(async () => {
        const text = await Deno.readTextFile(`/proc/${child.pid}/cmdline`);
        argv = text.split("\0").slice(0, -1);
        return argv[1] === "300";
      }, { timeoutMs: 5_000, intervalMs: 5 });
      assert.equal(argv.length, 2);
      assert.match(argv[0]!, /^\/.*\/sleep$/);
      assert.equal(argv[1], "300");
    } finally {
      Deno.kill(-child.pid, "SIGKILL");
      assert.deepEqual(await child.exited, { code: null, signal: "SIGKILL" });
      await Deno.remove(dir, { recursive: true });
    }
  },
});
