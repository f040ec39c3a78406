import assert from "node:assert/strict";
import {
  RUN_EVENTS,
  RUN_STATES,
  type RunEvent,
  type RunState,
  transition,
} from "../../src/supervisor/transition.ts";

/** The expected next state of every valid (state, event) pair; the rest are invalid. */
const VALID: Record<RunState, Partial<Record<RunEvent, RunState>>> = {
  stopped: { start: "starting", adopt: "running", stop: "stopped" },
  failed: { start: "starting", stop: "stopped" },
  starting: {
    ready: "running",
    complete: "completed",
    "launch-failed": "failed",
    crash: "backoff",
    fail: "failed",
    exit: "stopped",
    cancel: "stopped",
  },
  running: {
    crash: "backoff",
    fail: "failed",
    exit: "stopped",
    stop: "stopping",
  },
  backoff: {
    retry: "starting",
    start: "starting",
    stop: "stopped",
    cancel: "stopped",
  },
  stopping: { stopped: "stopped" },
  completed: { start: "starting", stop: "stopped" },
};

Deno.test("transition() gives the next state of every valid pair and reports every invalid one", async (t) => {
  for (const state of RUN_STATES) {
    for (const event of RUN_EVENTS) {
      const next = VALID[state][event];
      await t.step(`${state} + ${event} → ${next ?? "invalid"}`, () => {
        assert.deepEqual(
          transition(state, event),
          next === undefined
            ? { ok: false, state, event }
            : { ok: true, state: next },
        );
      });
    }
  }
});

Deno.test("transition(): every event has an edge and every state can be left", () => {
  for (const event of RUN_EVENTS) {
    const from = RUN_STATES.filter((s) => transition(s, event).ok);
    assert.ok(from.length > 0, `no state accepts ${event}`);
  }
  for (const state of RUN_STATES) {
    const leaves = RUN_EVENTS.some((event) => {
      const result = transition(state, event);
      return result.ok && result.state !== state;
    });
    assert.ok(leaves, `${state} is a dead end`);
  }
});

Deno.test("transition() walks a crash, backoff and retry cycle back to running", () => {
  const events: RunEvent[] = ["start", "ready", "crash", "retry", "ready"];
  let state: RunState = "stopped";
  const seen: RunState[] = [];
  for (const event of events) {
    const result = transition(state, event);
    assert.ok(result.ok, `${state} + ${event}`);
    state = result.state;
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

Deno.test("transition() leaves stopping only on stopped", () => {
  for (const event of RUN_EVENTS) {
    const result = transition("stopping", event);
    assert.equal(result.ok, event === "stopped", event);
  }
});

Deno.test("transition() runs a job to completed, and a start runs it again", () => {
  const events: RunEvent[] = ["start", "complete", "start", "complete", "stop"];
  let state: RunState = "stopped";
  const seen: RunState[] = [];
  for (const event of events) {
    const result = transition(state, event);
    assert.ok(result.ok, `${state} + ${event}`);
    state = result.state;
    seen.push(state);
  }
  assert.deepEqual(seen, [
    "starting",
    "completed",
    "starting",
    "completed",
    "stopped",
  ]);
  assert.ok(!transition("completed", "ready").ok);
  assert.ok(!transition("running", "complete").ok);
});
