import assert from "node:assert/strict";
import {
  sharesCodeCache,
  SUPERVISOR_V8_FLAGS,
} from "../../src/client/self_command.ts";
import {
  fixtureService,
  makeTempWorkspace,
  supervisorPid,
  tend,
} from "../_helpers.ts";

const SAME = `--v8-flags=${SUPERVISOR_V8_FLAGS}`;

Deno.test("sharesCodeCache() holds only for the supervisor's V8 flags, given once and nowhere else", () => {
  const reversed = `--v8-flags=${SUPERVISOR_V8_FLAGS.split(",").reverse()}`;
  assert.ok(sharesCodeCache(["--quiet", "-A", SAME], undefined));
  assert.ok(sharesCodeCache([reversed], ""));
  for (
    const [flags, env] of [
      [[], undefined],
      [["-A"], undefined],
      [["--v8-flags=--lite-mode"], undefined],
      [["--v8-flags=--max-semi-space-size=1"], undefined],
      [[`${SAME},--no-opt`], undefined],
      [[SAME, SAME], undefined],
      [["--v8-flags", SUPERVISOR_V8_FLAGS], undefined],
      [[SAME], "--no-opt"],
    ] as [string[], string | undefined][]
  ) {
    assert.ok(!sharesCodeCache(flags, env), JSON.stringify(flags));
  }
});

/** The command line of the supervisor that `tend start`, run with `flags`, launched. */
async function launchedWith(flags: readonly string[]): Promise<string[]> {
  await using ws = await makeTempWorkspace(fixtureService("web"));
  const started = await tend(ws, ["start", "--quiet"], { denoFlags: flags });
  assert.equal(started.code, 0, started.stderr);
  const pid = await supervisorPid(ws);
  assert.ok(pid !== null, "no supervisor.pid");
  const line = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
  const down = await tend(ws, ["down", "--quiet"]);
  assert.equal(down.code, 0, down.stderr);
  return line;
}

Deno.test("a CLI run with the supervisor's V8 flags launches it with Deno's code cache, any other without", async () => {
  const shared = await launchedWith([SAME]);
  assert.ok(shared.includes(SAME), shared.join(" "));
  assert.ok(!shared.includes("--no-code-cache"), shared.join(" "));
  const apart = await launchedWith([]);
  assert.ok(apart.includes(SAME), apart.join(" "));
  assert.ok(apart.includes("--no-code-cache"), apart.join(" "));
});
