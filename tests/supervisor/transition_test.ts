import assert from "node:assert/strict";
import {
  type RunEvent,
  type RunState,
  transition,
} from "../../src/supervisor/transition.ts";

const STATES: readonly RunState[] = [
  "stopped",
  "failed",
  "starting",
  "running",
  "backoff",
  "stopping",
];

const EVENTS: readonly RunEvent[] = [
  "start",
  "ready",
  "crash",
  "fail",
  "exit",
  "retry",
  "stop",
  "stopped",
];

/** The expected next state of every (state, event) pair; `null` = ignored. */
const EXPECTED: Record<RunState, Record<RunEvent, RunState | null>> = {
  stopped: {
    start: "starting",
    ready: null,
    crash: null,
    fail: null,
    exit: null,
    retry: null,
    stop: "stopped",
    stopped: null,
  },
  failed: {
    start: "starting",
    ready: null,
    crash: null,
    fail: null,
    exit: null,
    retry: null,
    stop: "stopped",
    stopped: null,
  },
  starting: {
    start: null,
    ready: "running",
    crash: "backoff",
    fail: "failed",
    exit: "stopped",
    retry: null,
    stop: "stopping",
    stopped: null,
  },
  running: {
    start: null,
    ready: null,
    crash: "backoff",
    fail: "failed",
    exit: "stopped",
    retry: null,
    stop: "stopping",
    stopped: null,
  },
  backoff: {
    start: "starting",
    ready: null,
    crash: null,
    fail: null,
    exit: null,
    retry: "starting",
    stop: "stopped",
    stopped: null,
  },
  stopping: {
    start: null,
    ready: null,
    crash: "stopping",
    fail: "stopping",
    exit: null,
    retry: null,
    stop: null,
    stopped: "stopped",
  },
};

Deno.test("transition() maps every (state, event) pair to its next state or null", async (t) => {
  for (const state of STATES) {
    for (const event of EVENTS) {
      const expected = EXPECTED[state][event];
      await t.step(`${state} + ${event} → ${expected}`, () => {
        assert.equal(transition(state, event), expected);
      });
    }
  }
});

Deno.test("transition() walks a crash, backoff and retry cycle back to running", () => {
  const events: RunEvent[] = ["start", "ready", "crash", "retry", "ready"];
  let state: RunState = "stopped";
  const seen: RunState[] = [];
  for (const event of events) {
    state = transition(state, event) ?? state;
    seen.push(state);
  }
  assert.deepEqual(seen, [
    "starting",
    "running",
    "backoff",
    "starting",
    "running",
  ]);
});

Deno.test("transition() never leaves stopping except on stopped", () => {
  for (const event of EVENTS) {
    const next = transition("stopping", event);
    if (event === "stopped") assert.equal(next, "stopped");
    else assert.ok(next === null || next === "stopping", `${event} → ${next}`);
  }
});
