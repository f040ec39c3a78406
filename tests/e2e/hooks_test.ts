import assert from "node:assert/strict";
import {
  fixtureService,
  freePort,
  isAlive,
  makeTempWorkspace,
  readLines,
  readPids,
  tend,
  waitFor,
  waitForLines,
  waitForService,
} from "../_helpers.ts";

/** A hook that appends what it was told to `events` in its directory. */
const NOTE =
  'echo "$TEND_EVENT $TEND_SERVICE pid=$TEND_PID code=${TEND_EXIT_CODE:--} signal=${TEND_SIGNAL:--} port=$PORT reason=${TEND_REASON:--} cwd=$PWD" >> events; echo "hook said $TEND_EVENT"';

Deno.test("hooks run in the service's directory with what happened in their environment", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  await Deno.mkdir(ws.path("sub"));
  const marker = ws.path("marker");
  const port = freePort();
  const hooks = ["on_ready", "on_exit", "on_failed", "on_restart"]
    .map((field) => `${field} = ${JSON.stringify(NOTE)}`).join("\n");
  await ws.writeConfig(fixtureService(
    "web",
    ["--marker", marker, "--exit", "3", "--after", "800"],
    `working_directory = "sub"\nport = ${port}\nmin_ready = "100ms"\n` +
      `restart_delay = "100ms"\nmax_restarts = 1\n${hooks}`,
  ));
  assert.equal((await tend(ws, ["start"])).code, 0);
  await waitForService(ws, "web", (s) => s.status === "failed");
  const pids = (await readPids(marker)).map(String);
  assert.equal(pids.length, 2, "started, restarted once, then failed");
  const events = ws.path("sub/events");
  await waitForLines(events, 6);
  const cwd = ws.path("sub");
  const [first, second] = pids;
  const common = `web port=${port}`;
  assert.deepEqual(
    (await readLines(events)).sort(),
    [
      `exit web pid=${first} code=3 signal=- port=${port} reason=- cwd=${cwd}`,
      `exit web pid=${second} code=3 signal=- port=${port} reason=- cwd=${cwd}`,
      `failed web pid=${second} code=3 signal=- port=${port} reason=restarted 1 times within 60 s (max_restarts) cwd=${cwd}`,
      `ready web pid=${first} code=- signal=- port=${port} reason=- cwd=${cwd}`,
      `ready web pid=${second} code=- signal=- port=${port} reason=- cwd=${cwd}`,
      `restart web pid=${first} code=3 signal=- port=${port} reason=exited with code 3 cwd=${cwd}`,
    ].sort(),
    common,
  );
  // Their output is in tend.log, each line named by hook and service.
  await waitFor(
    async () =>
      (await readLines(ws.path(".tend/log/tend.log"))).some((line) =>
        line.includes('on_failed of "web": hook said failed')
      ),
    { message: "the on_failed hook's output in tend.log" },
  );
  assert.equal((await tend(ws, ["down"])).code, 0);
});

Deno.test("a hanging hook is killed at hook_timeout with its group, and never holds up a restart or a stop", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const marker = ws.path("marker");
  // The hook leaves a child in its group, notes both PIDs, then hangs.
  const hang = 'sleep 300 & echo "$! $$" >> hook_pids; wait';
  await ws.writeConfig(fixtureService(
    "web",
    ["--marker", marker, "--exit", "1", "--after", "600"],
    `restart = "always"\nmin_ready = "100ms"\nrestart_delay = "100ms"\n` +
      `on_exit = ${JSON.stringify(hang)}\nhook_timeout = "8s"\n` +
      'on_ready = "echo oops >&2; exit 2"',
  ));
  assert.equal((await tend(ws, ["start"])).code, 0);
  const hookPids = ws.path("hook_pids");
  const [firstHook] = await waitForLines(hookPids, 1);
  const [child, shell] = firstHook!.split(" ").map(Number);
  // The service is restarted while the first hook still hangs (hook_timeout
  // leaves a loaded machine seconds to boot the new process).
  await waitForLines(marker, 2);
  assert.ok(isAlive(child!) && isAlive(shell!), "the first hook still hangs");
  // And stopped without waiting for the hook of that stop.
  await waitForService(ws, "web", (s) => s.status === "running");
  const hooksBefore = (await readLines(hookPids)).length;
  const stop = await tend(ws, ["stop", "web"]);
  assert.equal(stop.code, 0, JSON.stringify(stop));
  const [, lastShell] = (await waitForLines(hookPids, hooksBefore + 1))
    .at(-1)!.split(" ").map(Number);
  assert.ok(isAlive(lastShell!), "stop returned while its on_exit hook hangs");
  // At the timeout the hook and its child are killed, and tend.log says so.
  await waitFor(() => !isAlive(child!) && !isAlive(shell!), {
    timeoutMs: 30_000,
    message: "the hanging hook and its child to be killed",
  });
  await waitFor(
    async () =>
      (await readLines(ws.path(".tend/log/tend.log"))).some((line) =>
        line.includes(
          'on_exit of "web" failed: timed out after 8 s; killed its process group',
        )
      ),
    { message: "the timeout in tend.log" },
  );
  // A failing hook is logged with its output.
  const log = await readLines(ws.path(".tend/log/tend.log"));
  assert.ok(log.some((line) => line.endsWith('on_ready of "web": oops')));
  assert.ok(
    log.some((line) =>
      line.endsWith('on_ready of "web" failed: exited with code 2')
    ),
  );
  assert.equal((await tend(ws, ["down"])).code, 0);
  for (const line of await readLines(hookPids)) {
    for (const pid of line.split(" ").map(Number)) {
      assert.ok(!isAlive(pid), `hook process ${pid} survived down`);
    }
  }
});
