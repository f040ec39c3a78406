import assert from "node:assert/strict";
import { ControlClient } from "../../src/ipc/client.ts";
import {
  decodeOutput,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  spawnTend,
  supervisorPid,
  type TempWorkspace,
  waitFor,
} from "../_helpers.ts";

/** How long a CLI may take to end once its supervisor is gone. */
const END_WITHIN_MS = 8_000;

/** Whether the supervisor of `ws` answers a ping on its socket. */
async function answers(ws: TempWorkspace): Promise<boolean> {
  using client = new ControlClient(ws.path(".tend/run/tend.sock"));
  return await client.ping().catch(() => null) !== null;
}

/** Whether `pid` is stopped (state T). */
async function isStopped(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("T");
}

Deno.test("tend start fails at once when the supervisor it launched dies right after its handshake", async () => {
  await using ws = await makeTempWorkspace(fixtureService("a"));
  const cli = spawnTend(ws, ["start"]);
  const output = cli.output();
  let continued = false;
  try {
    // Frozen as soon as its supervisor exists, the CLI reads the handshake
    // only after that supervisor is dead: the kill lands between the
    // handshake and the CLI's first connection.
    let supervisor: number | null = null;
    await waitFor(async () => (supervisor = await supervisorPid(ws)) !== null, {
      intervalMs: 2,
      message: "the launched supervisor's pid file",
    });
    Deno.kill(cli.pid, "SIGSTOP");
    await waitFor(() => isStopped(cli.pid), { message: "the CLI to stop" });
    // A ping is answered after the synchronous step that sends the handshake.
    await waitFor(() => answers(ws), { message: "the supervisor to serve" });
    Deno.kill(supervisor!, "SIGKILL");
    await waitFor(() => !isAlive(supervisor!), { message: "its death" });
    Deno.kill(cli.pid, "SIGCONT");
    continued = true;

    assert.ok(
      await endsWithin(cli, END_WITHIN_MS),
      `the CLI still runs ${END_WITHIN_MS} ms after its supervisor died`,
    );
    const run = decodeOutput(await output);
    assert.equal(run.code, 1, JSON.stringify(run));
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      new RegExp(
        `^error: Cannot start the supervisor: it \\(pid ${supervisor}\\) exited right after it answered\\n`,
      ),
    );
  } finally {
    if (!await endsWithin(cli, 0)) {
      if (!continued) Deno.kill(cli.pid, "SIGCONT");
      cli.kill("SIGKILL");
    }
    await output;
  }
});

/** Whether `child` ends within `ms` (a deadline, not a pause: it returns at the exit). */
async function endsWithin(
  child: Deno.ChildProcess,
  ms: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  try {
    return await Promise.race([child.status, late]) !== "late";
  } finally {
    clearTimeout(timer);
  }
}
