import assert from "node:assert/strict";
import {
  groupMembers,
  listProcesses,
  readCommand,
  readEnvTag,
  resourceUsage,
} from "../../src/proc/scan.ts";
import { readBootId, readIdentity } from "../../src/proc/identity.ts";
import { pollUntil } from "./_fixture.ts";
import { startSleeper } from "./_sleeper.ts";
import { startZombieMaker } from "./_zombie.ts";

const LINUX = Deno.build.os === "linux";
/** Above PID_MAX_LIMIT (2^22), so no process ever has it. */
const NO_SUCH_PID = 2 ** 22 + 1;

Deno.test("listProcesses() contains a child with its group, parent and command", async () => {
  await using sleeper = await startSleeper();
  const all = await listProcesses();
  const info = all.find((p) => p.pid === sleeper.pid);
  assert.ok(info !== undefined);
  assert.equal(info.ppid, Deno.pid);
  const me = all.find((p) => p.pid === Deno.pid);
  assert.equal(info.pgrp, me?.pgrp, "a non-detached child shares our group");
  assert.equal(info.sid, me?.sid);
  assert.equal(info.uid, Deno.uid());
  assert.match(info.command, /sleeper\.ts /);
  const id = await readIdentity(sleeper.pid, await readBootId());
  assert.equal(info.startTicks, id?.startTicks);
});

Deno.test("listProcesses() sees a detached child in its own group", async () => {
  await using sleeper = await startSleeper({ detached: true });
  const info = (await listProcesses()).find((p) => p.pid === sleeper.pid);
  assert.equal(info?.pgrp, sleeper.pid);
  assert.equal(info?.sid, sleeper.pid, "detached calls setsid");
});

Deno.test("groupMembers() returns a detached child and its forked grandchild", async () => {
  await using sleeper = await startSleeper({ detached: true, fork: true });
  assert.ok(sleeper.childPid !== null);
  const members = await groupMembers(sleeper.pid);
  assert.deepEqual(
    members.map((p) => p.pid).sort((a, b) => a - b),
    [sleeper.pid, sleeper.childPid].sort((a, b) => a - b),
  );
  const grandchild = members.find((p) => p.pid === sleeper.childPid);
  assert.equal(grandchild?.ppid, sleeper.pid);

  await sleeper.kill();
  // SIGKILL is delivered to the grandchild, but it exits on its own schedule.
  await pollUntil(async () => {
    return (await groupMembers(sleeper.pid)).length === 0 || undefined;
  }, "the group to be empty");
});

Deno.test({
  name: "groupMembers() leaves out zombies",
  ignore: !LINUX,
  async fn() {
    await using maker = await startZombieMaker();
    const all = await listProcesses();
    const zombie = all.find((p) => p.pid === maker.zombiePid);
    assert.equal(zombie?.state, "Z");
    assert.equal(zombie?.pgrp, maker.child.pid);
    assert.match(
      zombie?.command ?? "",
      /^\[sleep\]$/,
      "zombies have no cmdline",
    );
    const members = await groupMembers(maker.child.pid);
    assert.deepEqual(members.map((p) => p.pid), [maker.child.pid]);
  },
});

Deno.test("readEnvTag() returns the wanted variables of a child", async () => {
  const env = Object.fromEntries([
    ["TEND_SERVICE", "web"],
    ["TEND_WORKSPACE", "/w s/=x"],
    ["__proto__", "not a prototype"],
  ]);
  await using sleeper = await startSleeper({ env });
  const keys = ["TEND_SERVICE", "TEND_WORKSPACE", "TEND_ABSENT", "__proto__"];
  const tag = await readEnvTag(sleeper.pid, keys);
  assert.deepEqual(tag, env);
  assert.equal(Object.getPrototypeOf(tag), Object.prototype);
});

Deno.test("readEnvTag() returns null for a process that does not exist", async () => {
  assert.equal(await readEnvTag(NO_SUCH_PID, ["PATH"]), null);
});

Deno.test("readCommand() returns the command line of this process", async () => {
  const command = await readCommand(Deno.pid);
  assert.match(command ?? "", /deno.* test /);
  assert.equal(await readCommand(NO_SUCH_PID), null);
});

Deno.test("resourceUsage() returns CPU ticks and resident bytes", async () => {
  const usage = await resourceUsage(Deno.pid);
  assert.ok(usage !== null);
  assert.ok(usage.cpuTicks > 0, `cpuTicks ${usage.cpuTicks}`);
  assert.ok(usage.rssBytes > 1024 * 1024, `rssBytes ${usage.rssBytes}`);
  assert.equal(await resourceUsage(NO_SUCH_PID), null);
});
