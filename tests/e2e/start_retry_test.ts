import assert from "node:assert/strict";
import { makeTempWorkspace, readLines, statusJson, tend } from "../_helpers.ts";

/** A service that notes each attempt in `file` and exits 1 on the first `fails`. */
function crashFirst(
  name: string,
  options: { file: string; fails: number; extra: string },
): string {
  const script = `echo $$ >> "$F"; n=$(wc -l < "$F"); ` +
    `if [ "$n" -le ${options.fails} ]; then exit 1; fi; exec sleep 1000`;
  return `[[processes]]
name = "${name}"
command = "sh"
args = ["-c", ${JSON.stringify(script)}]
env = { F = ${JSON.stringify(options.file)} }
min_ready = "300ms"
restart_delay = "100ms"
${options.extra}
`;
}

for (const restart of ["on-failure", "always"]) {
  Deno.test(`restart = "${restart}": tend start retries a service that crashes before it is ready, and succeeds`, async () => {
    await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
    const attempts = ws.path("attempts");
    await ws.writeConfig(
      crashFirst("flaky", {
        file: attempts,
        fails: 2,
        extra: `restart = "${restart}"`,
      }),
    );
    const result = await tend(ws, ["start"]);
    assert.equal(result.code, 0, JSON.stringify(result));
    assert.match(result.stdout + result.stderr, /started "flaky" \(pid \d+\)/);
    const pids = await readLines(attempts);
    assert.equal(pids.length, 3, "two crashes, then the run that stays");
    const view = (await statusJson(ws)).services[0]!;
    assert.equal(view.status, "running", JSON.stringify(view));
    assert.equal(String(view.pid), pids[2]);
    assert.equal(view.restarts, 2);
  });
}

Deno.test("tend start fails once max_restarts retries before readiness are spent", async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const attempts = ws.path("attempts");
  await ws.writeConfig(
    crashFirst("broken", {
      file: attempts,
      fails: 1_000,
      extra: "max_restarts = 2",
    }),
  );
  const result = await tend(ws, ["start"]);
  assert.equal(result.code, 1, JSON.stringify(result));
  assert.match(
    result.stderr,
    /^error: Cannot start "broken": exited with code 1; restarted 2 times before it was ready \(max_restarts\)/,
  );
  assert.equal((await readLines(attempts)).length, 3, "it ran 1 + 2 times");
  const view = (await statusJson(ws)).services[0]!;
  assert.equal(view.status, "failed", JSON.stringify(view));
  assert.equal(view.restarts, 2);
  assert.match(view.reason ?? "", /max_restarts/);
});

Deno.test('restart = "never": tend start fails at the first crash before readiness', async () => {
  await using ws = await makeTempWorkspace(undefined, { timing: "fast" });
  const attempts = ws.path("attempts");
  await ws.writeConfig(
    crashFirst("once", {
      file: attempts,
      fails: 1,
      extra: 'restart = "never"',
    }),
  );
  const result = await tend(ws, ["start"]);
  assert.equal(result.code, 1, JSON.stringify(result));
  assert.match(
    result.stderr,
    /^error: Cannot start "once": exited with code 1/,
  );
  assert.equal((await readLines(attempts)).length, 1);
});
