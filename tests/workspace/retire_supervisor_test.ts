import assert from "node:assert/strict";
import { readBootId, readIdentity } from "../../src/proc/identity.ts";
import { isProcessAlive } from "../../src/proc/alive.ts";
import { retireSupervisor } from "../../src/workspace/retire_supervisor.ts";

/** `sleep 300` in its own group, ignoring SIGTERM when asked. */
function spawnSleep(options: { ignoreTerm: boolean }): Deno.ChildProcess {
  const trap = options.ignoreTerm ? "trap '' TERM; " : "";
  return new Deno.Command("sh", {
    args: ["-c", `${trap}exec sleep 300`],
    detached: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Its identity, once the shell has set the trap and run `exec sleep`. */
async function identityOf(child: Deno.ChildProcess) {
  const deadline = Date.now() + 10_000;
  while (
    !(await Deno.readTextFile(`/proc/${child.pid}/cmdline`)).startsWith(
      "sleep",
    )
  ) {
    assert.ok(Date.now() < deadline, "sh did not exec sleep");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const identity = await readIdentity(child.pid, await readBootId());
  assert.ok(identity !== null);
  return identity;
}

Deno.test("retireSupervisor() ends a stopped process with SIGTERM (after SIGCONT)", async () => {
  const child = spawnSleep({ ignoreTerm: false });
  try {
    const identity = await identityOf(child);
    Deno.kill(child.pid, "SIGSTOP");
    assert.equal(await retireSupervisor(identity), "SIGTERM");
    assert.equal((await child.status).signal, "SIGTERM");
  } finally {
    if (isProcessAlive(child.pid)) Deno.kill(-child.pid, "SIGKILL");
    await child.status;
  }
});

Deno.test("retireSupervisor() SIGKILLs a process that ignores SIGTERM after the deadline", async () => {
  const child = spawnSleep({ ignoreTerm: true });
  try {
    const identity = await identityOf(child);
    const began = Date.now();
    assert.equal(
      await retireSupervisor(identity, { termTimeoutMs: 300 }),
      "SIGKILL",
    );
    assert.ok(Date.now() - began >= 300);
    assert.equal((await child.status).signal, "SIGKILL");
  } finally {
    if (isProcessAlive(child.pid)) Deno.kill(-child.pid, "SIGKILL");
    await child.status;
  }
});

Deno.test("retireSupervisor() never signals a PID whose identity does not match", async () => {
  const child = spawnSleep({ ignoreTerm: false });
  try {
    const identity = await identityOf(child);
    const other = { ...identity, startTicks: identity.startTicks + 1 };
    assert.equal(await retireSupervisor(other), null);
    assert.ok(isProcessAlive(child.pid));
  } finally {
    Deno.kill(-child.pid, "SIGKILL");
    await child.status;
  }
});
