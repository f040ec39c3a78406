/**
 * A `ready = { log = ... }` pattern runs in the supervisor: one that
 * backtracks catastrophically on a line of the service's output must not
 * stall it (V8 falls back to its linear-time engine, see self_command.ts).
 */
import assert from "node:assert/strict";
import {
  fixtureService,
  makeTempWorkspace,
  statusJson,
  tend,
  WAIT_MS,
} from "../_helpers.ts";

Deno.test("a ready.log pattern that backtracks catastrophically does not stall the supervisor", async () => {
  await using ws = await makeTempWorkspace();
  // /^(a+)+$/ against 42 a's and a b: 2^42 paths for a backtracking engine.
  const line = `${"a".repeat(42)}b`;
  await ws.writeConfig(
    fixtureService("steady") + `
[[processes]]
name = "slow-ready"
command = "sh"
args = ["-c", "printf '${line}\\\\n'; exec sleep 3600"]
ready = { log = "^(a+)+$" }
ready_timeout = "2s"
autostart = false
`,
  );
  const started = await tend(ws, ["start"], { deadlineMs: WAIT_MS });
  assert.equal(started.code, 0, JSON.stringify(started));

  const slow = await tend(ws, ["start", "slow-ready"], { deadlineMs: WAIT_MS });
  assert.equal(slow.code, 1, JSON.stringify(slow));
  assert.match(slow.stderr, /not ready after 2 s/);
  assert.match(
    await Deno.readTextFile(ws.path(".tend/log/slow-ready.log")),
    new RegExp(`^${line}$`, "m"),
    "the service printed the line",
  );

  // The supervisor still answers (exit 3: slow-ready failed) and still
  // supervises.
  const status = await tend(ws, ["status", "--json"], { deadlineMs: WAIT_MS });
  assert.equal(status.code, 3, JSON.stringify(status));
  const services = new Map(
    (await statusJson(ws)).services.map((s) => [s.name, s]),
  );
  assert.equal(services.get("steady")?.status, "running");
  assert.equal(services.get("slow-ready")?.status, "failed");
  assert.match(
    services.get("slow-ready")?.reason ?? "",
    /^not ready after 2 s/,
  );
  const down = await tend(ws, ["down"], { deadlineMs: WAIT_MS });
  assert.equal(down.code, 0, JSON.stringify(down));
  assert.doesNotMatch(down.stderr, /did not answer/);
});
