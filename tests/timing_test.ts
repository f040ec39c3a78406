import assert from "node:assert/strict";
import {
  DEFAULT_TIMING,
  FAST_TIMING,
  type Timing,
  TIMING_ENV,
  timingFromEnv,
} from "../src/timing.ts";
import { TendError } from "../src/errors.ts";
import { fixtureService, makeTempWorkspace, tend } from "./_helpers.ts";

/** An environment reader over a plain record. */
function envOf(
  vars: Record<string, string>,
): (name: string) => string | undefined {
  return (name) => vars[name];
}

Deno.test("DEFAULT_TIMING holds the waits of a real tend", () => {
  assert.deepEqual(DEFAULT_TIMING, {
    tickMs: 1_000,
    fenceCheckMs: 5_000,
    idleLogCheckMs: 5_000,
    socketGraceMs: 7_000,
    orphanGraceMs: 5_000,
    unlistedGraceMs: 10_000,
    watchMs: 1_000,
  });
  assert.ok(Object.isFrozen(DEFAULT_TIMING));
});

Deno.test("timingFromEnv() is the default without TEND_TIMING, fast with TEND_TIMING=fast", () => {
  assert.equal(TIMING_ENV, "TEND_TIMING");
  assert.equal(timingFromEnv(envOf({})), DEFAULT_TIMING);
  assert.equal(timingFromEnv(envOf({ TEND_TIMING: "" })), DEFAULT_TIMING);
  assert.equal(
    timingFromEnv(envOf({ TEND_TIMING: "default" })),
    DEFAULT_TIMING,
  );
  assert.equal(timingFromEnv(envOf({ TEND_TIMING: "fast" })), FAST_TIMING);
});

Deno.test("timingFromEnv() rejects an unknown TEND_TIMING with a USAGE error", () => {
  for (const value of ["slow", "FAST", "0.1", "toString", "__proto__"]) {
    assert.throws(
      () => timingFromEnv(envOf({ TEND_TIMING: value })),
      (error: unknown) =>
        error instanceof TendError && error.code === "USAGE" &&
        error.message ===
          `Cannot use TEND_TIMING="${value}": expected "default" or "fast"`,
    );
  }
});

Deno.test("every timing keeps the ratios the waits rely on", () => {
  for (
    const [name, timing] of Object.entries({ DEFAULT_TIMING, FAST_TIMING })
  ) {
    const at = (what: keyof Timing) => `${name}.${what} = ${timing[what]}`;
    // Checks share the ticker's one timer only when they are whole ticks.
    for (const key of ["fenceCheckMs", "idleLogCheckMs"] as const) {
      assert.equal(timing[key] % timing.tickMs, 0, at(key));
    }
    // The CLI waits longer than the supervisor takes to listen again.
    assert.ok(timing.socketGraceMs > timing.fenceCheckMs, at("socketGraceMs"));
    for (const [key, value] of Object.entries(timing)) {
      assert.ok(Number.isSafeInteger(value) && value > 0, `${name}.${key}`);
    }
  }
  for (const [key, value] of Object.entries(FAST_TIMING)) {
    assert.ok(value < DEFAULT_TIMING[key as keyof Timing], `fast ${key}`);
  }
});

Deno.test("tend refuses an unknown TEND_TIMING with one clear error before it does anything", async () => {
  await using ws = await makeTempWorkspace(fixtureService("web"));
  const result = await tend(ws, ["start"], { env: { TEND_TIMING: "slow" } });
  assert.deepEqual(result, {
    code: 2,
    stdout: "",
    stderr:
      'error: Cannot use TEND_TIMING="slow": expected "default" or "fast"\n',
  });
  await assert.rejects(Deno.lstat(ws.path(".tend")), Deno.errors.NotFound);
});
