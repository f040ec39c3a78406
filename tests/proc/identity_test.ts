import assert from "node:assert/strict";
import {
  identityMatches,
  identityMatchesNow,
  isValidIdentity,
  readBootId,
  readIdentity,
} from "../../src/proc/identity.ts";
import { parseStat } from "../../src/proc/_stat.ts";
import { startSleeper } from "./_sleeper.ts";
import { startZombieMaker } from "./_zombie.ts";

const LINUX = Deno.build.os === "linux";
/** Above PID_MAX_LIMIT (2^22), so no process ever has it. */
const NO_SUCH_PID = 2 ** 22 + 1;

Deno.test("readBootId() returns the kernel boot ID", async () => {
  const bootId = await readBootId();
  assert.match(bootId, /^[0-9a-f-]{36}$/);
  assert.equal(await readBootId(), bootId);
});

Deno.test({
  name: "readIdentity() returns field 22 of this process's stat",
  ignore: !LINUX,
  async fn() {
    const bootId = await readBootId();
    const stat = parseStat(await Deno.readTextFile("/proc/self/stat"));
    assert.deepEqual(await readIdentity(Deno.pid, bootId), {
      pid: Deno.pid,
      startTicks: stat?.startTicks,
      bootId,
    });
  },
});

Deno.test("readIdentity() of a child matches while it runs, not after", async () => {
  const bootId = await readBootId();
  await using sleeper = await startSleeper();
  const id = await readIdentity(sleeper.pid, bootId);
  assert.ok(id !== null);
  assert.equal(id.pid, sleeper.pid);
  const mine = await readIdentity(Deno.pid, bootId);
  assert.ok(id.startTicks >= (mine?.startTicks ?? Infinity));
  assert.ok(await identityMatches(id));

  await sleeper.kill();
  assert.equal(await readIdentity(sleeper.pid, bootId), null);
  assert.ok(!(await identityMatches(id)));
});

Deno.test("identityMatches() is false for another start time or boot", async () => {
  const bootId = await readBootId();
  const me = await readIdentity(Deno.pid, bootId);
  assert.ok(me !== null);
  assert.ok(await identityMatches(me));
  assert.ok(!(await identityMatches({ ...me, startTicks: me.startTicks + 1 })));
  assert.ok(!(await identityMatches({ ...me, bootId: "other-boot" })));
});

Deno.test("identityMatchesNow() agrees with identityMatches() on a live child, a dead one, and mismatches", async () => {
  const bootId = await readBootId();
  await using sleeper = await startSleeper();
  const id = await readIdentity(sleeper.pid, bootId);
  assert.ok(id !== null);
  assert.ok(await identityMatchesNow(id, bootId));
  const otherStart = { ...id, startTicks: id.startTicks + 1 };
  assert.ok(!(await identityMatchesNow(otherStart, bootId)));
  assert.ok(!(await identityMatchesNow(id, "other-boot")));
  const gone = { ...id, pid: NO_SUCH_PID };
  assert.ok(!(await identityMatchesNow(gone, bootId)));

  await sleeper.kill();
  assert.ok(!(await identityMatchesNow(id, bootId)));
});

Deno.test("identityMatches() is false for data that is not an identity", async () => {
  const bootId = await readBootId();
  const hostile = { pid: -1, startTicks: 1, bootId } as const;
  assert.ok(!(await identityMatches(hostile)));
});

Deno.test("readIdentity() returns null for a PID that does not exist", async () => {
  assert.equal(await readIdentity(NO_SUCH_PID, await readBootId()), null);
});

Deno.test("readIdentity() rejects a PID that is not a positive integer", async () => {
  for (const pid of [0, -4, 1.5, Number.NaN]) {
    await assert.rejects(() => readIdentity(pid, "b"), RangeError);
  }
});

Deno.test({
  name: "readIdentity() returns null for a zombie",
  ignore: !LINUX,
  async fn() {
    await using maker = await startZombieMaker();
    const stat = parseStat(
      await Deno.readTextFile(`/proc/${maker.zombiePid}/stat`),
    );
    assert.equal(stat?.state, "Z");
    assert.equal(await readIdentity(maker.zombiePid, await readBootId()), null);
  },
});

Deno.test.each([
  ["a plain identity", { pid: 42, startTicks: 1200, bootId: "b" }, true],
  ["a start time of 0", { pid: 42, startTicks: 0, bootId: "b" }, true],
  [
    "a 64-character boot ID",
    { pid: 1, startTicks: 1, bootId: "b".repeat(64) },
    true,
  ],
  ["null", null, false],
  ["a number", 42, false],
  ["an array", [42, 1, "b"], false],
  ["a string PID", { pid: "42", startTicks: 1, bootId: "b" }, false],
  ["a zero PID", { pid: 0, startTicks: 1, bootId: "b" }, false],
  ["a negative PID", { pid: -42, startTicks: 1, bootId: "b" }, false],
  ["a fractional PID", { pid: 4.2, startTicks: 1, bootId: "b" }, false],
  ["an unsafe PID", { pid: 2 ** 53, startTicks: 1, bootId: "b" }, false],
  ["a negative start", { pid: 42, startTicks: -1, bootId: "b" }, false],
  ["a NaN start", { pid: 42, startTicks: Number.NaN, bootId: "b" }, false],
  ["no start", { pid: 42, bootId: "b" }, false],
  ["an empty boot ID", { pid: 42, startTicks: 1, bootId: "" }, false],
  [
    "a 65-character boot ID",
    { pid: 42, startTicks: 1, bootId: "b".repeat(65) },
    false,
  ],
  ["a numeric boot ID", { pid: 42, startTicks: 1, bootId: 7 }, false],
])("isValidIdentity() checks %s", (_, value, expected) => {
  assert.equal(isValidIdentity(value), expected);
});
