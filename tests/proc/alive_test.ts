import assert from "node:assert/strict";
import { isDeadState, isProcessAlive } from "../../src/proc/alive.ts";
import { startSleeper } from "./_sleeper.ts";
import { startZombieMaker } from "./_zombie.ts";

const LINUX = Deno.build.os === "linux";

Deno.test("isDeadState() is true for zombies and dying processes only", () => {
  for (const state of ["Z", "X", "Z+"]) assert.ok(isDeadState(state), state);
  for (const state of ["R", "S", "D", "T", "Ss+", ""]) {
    assert.ok(!isDeadState(state), state);
  }
});

Deno.test("isProcessAlive() is true for a running process and false once it is reaped", async () => {
  assert.ok(isProcessAlive(Deno.pid));
  const sleeper = await startSleeper();
  const pid = sleeper.pid;
  assert.ok(isProcessAlive(pid));
  await sleeper[Symbol.asyncDispose]();
  assert.ok(!isProcessAlive(pid));
  for (const pid of [0, -1, 1.5, Number.NaN]) {
    assert.ok(!isProcessAlive(pid), String(pid));
  }
});

Deno.test({
  name:
    "isProcessAlive() is false for a zombie, which kill(pid, 0) still finds",
  ignore: !LINUX,
  async fn() {
    await using maker = await startZombieMaker();
    Deno.kill(maker.zombiePid, 0 as unknown as Deno.Signal);
    assert.ok(!isProcessAlive(maker.zombiePid));
  },
});
