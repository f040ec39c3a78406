import assert from "node:assert/strict";
import { servicePidFile, workspacePaths } from "../../src/config/paths.ts";
import { readBootId } from "../../src/proc/identity.ts";
import { pidFileLeader } from "../../src/workspace/pid_file_leader.ts";
import { startSleeper } from "../proc/_sleeper.ts";

Deno.test("pidFileLeader() finds the tagged group leader its PID file names, and nothing else", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "tend_pid_leader_" });
  const paths = workspacePaths(root);
  await Deno.mkdir(paths.runDir, { recursive: true, mode: 0o700 });
  const bootId = await readBootId();
  await using sleeper = await startSleeper({
    detached: true,
    fork: true,
    env: { TEND_WORKSPACE: root, TEND_SERVICE: "web", PORT: "4321" },
  });
  const file = servicePidFile(paths, "web");
  const write = async (pid: number) => {
    await Deno.remove(file).catch(() => {});
    await Deno.writeTextFile(file, `${pid}\n`, { mode: 0o600 });
  };
  try {
    await t.step("the leader, written after it started", async () => {
      await write(sleeper.pid);
      const leader = await pidFileLeader(paths, { name: "web", bootId });
      assert.equal(leader?.identity.pid, sleeper.pid);
      assert.equal(leader?.identity.bootId, bootId);
      assert.equal(leader?.port, 4321);
    });
    await t.step("not for another service's name", async () => {
      await Deno.copyFile(file, servicePidFile(paths, "api"));
      assert.equal(await pidFileLeader(paths, { name: "api", bootId }), null);
    });
    await t.step("not a member that does not lead its group", async () => {
      await write(sleeper.childPid!);
      assert.equal(await pidFileLeader(paths, { name: "web", bootId }), null);
    });
    await t.step(
      "not a process that started after the file was written",
      async () => {
        await write(sleeper.pid);
        const anHourAgo = new Date(Date.now() - 3_600_000);
        await Deno.utime(file, anHourAgo, anHourAgo);
        assert.equal(await pidFileLeader(paths, { name: "web", bootId }), null);
      },
    );
    await t.step(
      "not a leader that started before an empty file (a spawn under way)",
      async () => {
        await write(sleeper.pid);
        await Deno.writeTextFile(file, "");
        // Written a second after the sleeper started, whatever this test's
        // own pace: within the mtime slack it would count as spawned after.
        const later = new Date(Date.now() + 1_000);
        await Deno.utime(file, later, later);
        assert.equal(await pidFileLeader(paths, { name: "web", bootId }), null);
      },
    );
    await t.step("not an absent or damaged file", async () => {
      await Deno.writeTextFile(file, "garbage\n");
      assert.equal(await pidFileLeader(paths, { name: "web", bootId }), null);
      await Deno.remove(file);
      assert.equal(await pidFileLeader(paths, { name: "web", bootId }), null);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pidFileLeader() finds the leader started just after an empty PID file (a spawn cut short)", async () => {
  const root = await Deno.makeTempDir({ prefix: "tend_pid_leader_" });
  const paths = workspacePaths(root);
  await Deno.mkdir(paths.runDir, { recursive: true, mode: 0o700 });
  const bootId = await readBootId();
  const file = servicePidFile(paths, "web");
  try {
    await Deno.writeTextFile(file, "", { mode: 0o600 });
    await using sleeper = await startSleeper({
      detached: true,
      fork: true,
      env: { TEND_WORKSPACE: root, TEND_SERVICE: "web" },
    });
    const leader = await pidFileLeader(paths, { name: "web", bootId });
    assert.equal(leader?.identity.pid, sleeper.pid);
    assert.equal(await pidFileLeader(paths, { name: "api", bootId }), null);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await Deno.utime(file, anHourAgo, anHourAgo);
    assert.equal(await pidFileLeader(paths, { name: "web", bootId }), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
