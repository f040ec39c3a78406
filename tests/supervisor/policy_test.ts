import assert from "node:assert/strict";
import type { ExitStatus } from "../../src/proc/spawn.ts";
import {
  decideAfterExit,
  decisionEvent,
  describeExit,
  type ExitDecision,
  type ExitFacts,
  isSuccess,
  nextRestartDelayMs,
  type RestartPolicy,
} from "../../src/supervisor/policy.ts";

const NOW = 1_700_000_000_000;

function policy(overrides: Partial<RestartPolicy> = {}): RestartPolicy {
  return {
    restart: "always",
    successExitCodes: [0],
    restartDelayMs: 100,
    restartDelayMaxMs: 1_000,
    minUptimeMs: 5_000,
    maxRestarts: 3,
    restartWindowMs: 60_000,
    ...overrides,
  };
}

function facts(overrides: Partial<ExitFacts> = {}): ExitFacts {
  return {
    exit: { code: 0, signal: null },
    uptimeMs: 60_000,
    now: NOW,
    restartTimes: [],
    streak: 0,
    ...overrides,
  };
}

const SUCCESS: ExitStatus = { code: 0, signal: null };
const FAILURE: ExitStatus = { code: 1, signal: null };
const SIGNAL: ExitStatus = { code: null, signal: "SIGKILL" };
const UNKNOWN: ExitStatus = { code: null, signal: null };

const RESTART: ExitDecision = { kind: "restart", delayMs: 100, streak: 1 };

Deno.test("decideAfterExit() follows the restart mode for each kind of exit", async (t) => {
  const cases: [RestartPolicy["restart"], string, ExitStatus, ExitDecision][] =
    [
      ["always", "success", SUCCESS, RESTART],
      ["always", "failure", FAILURE, RESTART],
      ["always", "signal", SIGNAL, RESTART],
      ["always", "unknown exit", UNKNOWN, RESTART],
      ["on-failure", "success", SUCCESS, { kind: "stop", reason: null }],
      ["on-failure", "failure", FAILURE, RESTART],
      ["on-failure", "signal", SIGNAL, RESTART],
      ["on-failure", "unknown exit", UNKNOWN, RESTART],
      ["never", "success", SUCCESS, { kind: "stop", reason: null }],
      ["never", "failure", FAILURE, {
        kind: "fail",
        reason: "exited with code 1",
      }],
      ["never", "signal", SIGNAL, {
        kind: "fail",
        reason: "killed by SIGKILL",
      }],
      ["never", "unknown exit", UNKNOWN, { kind: "fail", reason: "exited" }],
    ];
  for (const [restart, label, exit, expected] of cases) {
    await t.step(`${restart} × ${label}`, () => {
      assert.deepEqual(
        decideAfterExit(policy({ restart }), facts({ exit })),
        expected,
      );
    });
  }
});

Deno.test("decideAfterExit() treats any listed success code as success", () => {
  const p = policy({ restart: "on-failure", successExitCodes: [0, 3] });
  assert.deepEqual(
    decideAfterExit(p, facts({ exit: { code: 3, signal: null } })),
    {
      kind: "stop",
      reason: null,
    },
  );
  assert.equal(
    decideAfterExit(p, facts({ exit: { code: 0, signal: null } })).kind,
    "stop",
  );
  assert.equal(
    decideAfterExit(p, facts({ exit: { code: 2, signal: null } })).kind,
    "restart",
  );
});

Deno.test("decideAfterExit() grows the delay with the streak of quick exits", async (t) => {
  const cases: [number, number, number][] = [
    // streak before, expected delay, expected streak after
    [0, 100, 1],
    [1, 200, 2],
    [2, 400, 3],
    [3, 800, 4],
    [4, 1_000, 5],
    [20, 1_000, 21],
  ];
  for (const [streak, delayMs, next] of cases) {
    await t.step(`streak ${streak}`, () => {
      assert.deepEqual(
        decideAfterExit(
          policy({ maxRestarts: 1_000 }),
          facts({ exit: FAILURE, uptimeMs: 10, streak }),
        ),
        { kind: "restart", delayMs, streak: next },
      );
    });
  }
});

Deno.test("decideAfterExit() resets the streak after min_uptime", async (t) => {
  const cases: [string, number, ExitDecision][] = [
    ["just below min_uptime", 4_999, {
      kind: "restart",
      delayMs: 800,
      streak: 4,
    }],
    ["exactly min_uptime", 5_000, { kind: "restart", delayMs: 100, streak: 1 }],
    ["well past min_uptime", 3_600_000, {
      kind: "restart",
      delayMs: 100,
      streak: 1,
    }],
  ];
  for (const [label, uptimeMs, expected] of cases) {
    await t.step(label, () => {
      assert.deepEqual(
        decideAfterExit(
          policy(),
          facts({ exit: FAILURE, uptimeMs, streak: 3 }),
        ),
        expected,
      );
    });
  }
});

Deno.test("decideAfterExit() fails after max_restarts within restart_window", async (t) => {
  await t.step("three recent restarts with max 3 → fail", () => {
    const decision = decideAfterExit(
      policy(),
      facts({
        exit: FAILURE,
        restartTimes: [NOW - 30_000, NOW - 20_000, NOW - 10_000],
      }),
    );
    assert.deepEqual(decision, {
      kind: "fail",
      reason: "restarted 3 times within 60 s (max_restarts)",
    });
  });
  await t.step("two recent restarts with max 3 → restart", () => {
    const decision = decideAfterExit(
      policy(),
      facts({ exit: FAILURE, restartTimes: [NOW - 20_000, NOW - 10_000] }),
    );
    assert.equal(decision.kind, "restart");
  });
  await t.step("max_restarts applies to successful exits under always", () => {
    const decision = decideAfterExit(
      policy({ maxRestarts: 1 }),
      facts({ exit: SUCCESS, restartTimes: [NOW - 1] }),
    );
    assert.equal(decision.kind, "fail");
  });
  await t.step("max_restarts does not turn a stop into a fail", () => {
    const decision = decideAfterExit(
      policy({ restart: "on-failure", maxRestarts: 1 }),
      facts({ exit: SUCCESS, restartTimes: [NOW - 1, NOW - 2] }),
    );
    assert.deepEqual(decision, { kind: "stop", reason: null });
  });
});

Deno.test("decideAfterExit() ignores restarts outside restart_window", async (t) => {
  await t.step("all old restarts → restart", () => {
    const decision = decideAfterExit(
      policy(),
      facts({
        exit: FAILURE,
        restartTimes: [NOW - 300_000, NOW - 200_000, NOW - 100_000],
      }),
    );
    assert.equal(decision.kind, "restart");
  });
  await t.step("a restart exactly one window ago is outside it", () => {
    const decision = decideAfterExit(
      policy(),
      facts({
        exit: FAILURE,
        restartTimes: [NOW - 60_000, NOW - 10_000, NOW - 5_000],
      }),
    );
    assert.equal(decision.kind, "restart");
  });
  await t.step("old and recent mixed: only recent ones count", () => {
    const decision = decideAfterExit(
      policy(),
      facts({
        exit: FAILURE,
        restartTimes: [
          NOW - 500_000,
          NOW - 400_000,
          NOW - 59_999,
          NOW - 10_000,
          NOW - 1,
        ],
      }),
    );
    assert.deepEqual(decision, {
      kind: "fail",
      reason: "restarted 3 times within 60 s (max_restarts)",
    });
  });
});

Deno.test("nextRestartDelayMs() doubles the delay and caps it at the maximum", async (t) => {
  const cases: [Partial<RestartPolicy>, number, number][] = [
    [{}, 0, 100],
    [{}, 1, 200],
    [{}, 2, 400],
    [{}, 3, 800],
    [{}, 4, 1_000],
    [{}, 5, 1_000],
    [{}, 60, 1_000],
    [{}, 1_000_000, 1_000],
    [{ restartDelayMs: 0 }, 10, 0],
    [{ restartDelayMs: 250, restartDelayMaxMs: 250 }, 3, 250],
    [{ restartDelayMs: 1, restartDelayMaxMs: 30_000 }, 14, 16_384],
    [{ restartDelayMs: 1, restartDelayMaxMs: 30_000 }, 15, 30_000],
  ];
  for (const [overrides, streak, expected] of cases) {
    await t.step(
      `${JSON.stringify(overrides)} streak ${streak} → ${expected}`,
      () => {
        const delay = nextRestartDelayMs(policy(overrides), streak);
        assert.equal(delay, expected);
        assert.ok(Number.isFinite(delay));
      },
    );
  }
});

Deno.test("isSuccess() is true only for a listed code without a signal", async (t) => {
  const cases: [ExitStatus, readonly number[], boolean][] = [
    [SUCCESS, [0], true],
    [FAILURE, [0], false],
    [FAILURE, [0, 1], true],
    [SIGNAL, [0], false],
    [UNKNOWN, [0], false],
    [{ code: 0, signal: "SIGTERM" }, [0], false],
    [SUCCESS, [], false],
  ];
  for (const [exit, successExitCodes, expected] of cases) {
    await t.step(
      `${JSON.stringify(exit)} with ${JSON.stringify(successExitCodes)}`,
      () => {
        assert.equal(isSuccess(policy({ successExitCodes }), exit), expected);
      },
    );
  }
});

Deno.test("describeExit() names the signal, else the code", async (t) => {
  const cases: [ExitStatus, string][] = [
    [SUCCESS, "exited with code 0"],
    [FAILURE, "exited with code 1"],
    [SIGNAL, "killed by SIGKILL"],
    [{ code: 143, signal: "SIGTERM" }, "killed by SIGTERM"],
    [UNKNOWN, "exited"],
  ];
  for (const [exit, expected] of cases) {
    await t.step(expected, () => {
      assert.equal(describeExit(exit), expected);
    });
  }
});

Deno.test("decisionEvent() maps a restart to crash, a failure to fail and a stop to exit", () => {
  assert.equal(
    decisionEvent({ kind: "restart", delayMs: 1, streak: 1 }),
    "crash",
  );
  assert.equal(decisionEvent({ kind: "fail", reason: "x" }), "fail");
  assert.equal(decisionEvent({ kind: "stop", reason: null }), "exit");
});
