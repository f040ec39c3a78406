import type { ServiceState } from "../ipc/protocol.ts";

/** The states the supervisor keeps; `stale` only appears in offline views. */
export type RunState = Exclude<ServiceState, "stale">;

/**
 * What can happen to a service, each with the runner code that sends it.
 * Every event here has a sender and every edge below is taken by one.
 */
export type RunEvent =
  | "start" // start() or revive() launches it; start() also cuts a backoff short
  | "retry" // the backoff timer fires and the runner relaunches it
  | "adopt" // adopt() takes over a process an earlier supervisor started
  | "ready" // the launch's readiness check passed
  | "complete" // a job's launch exited with a success code
  | "launch-failed" // a launch start() waits for exited, timed out or threw
  | "crash" // it exited and the policy restarts it
  | "fail" // it exited and the policy gives up
  | "exit" // it exited and stays down (success, or the user wants it down)
  | "stop" // stop() is asked for it
  | "cancel" // a stop cancels a start that awaits readiness or retries it
  | "stopped"; // the stop is confirmed: the process group is gone

/** Every event, for tables and tests. */
export const RUN_EVENTS: readonly RunEvent[] = [
  "start",
  "retry",
  "adopt",
  "ready",
  "complete",
  "launch-failed",
  "crash",
  "fail",
  "exit",
  "stop",
  "cancel",
  "stopped",
];

/** Every state, for tables and tests. */
export const RUN_STATES: readonly RunState[] = [
  "stopped",
  "failed",
  "starting",
  "running",
  "backoff",
  "stopping",
  "completed",
];

/**
 * The whole state machine. Operations on a runner run one at a time, so
 * `starting` and `stopping` only exist inside an operation: no other
 * operation (start, stop) ever sees them, and they need no edge for one.
 * A stop reaches a start in progress by cancelling it (`cancel`), from its
 * readiness wait or from a backoff between retries before it was ready.
 */
const TRANSITIONS: Readonly<
  Record<RunState, Partial<Record<RunEvent, RunState>>>
> = {
  stopped: { start: "starting", adopt: "running", stop: "stopped" },
  failed: { start: "starting", stop: "stopped" },
  starting: {
    ready: "running",
    complete: "completed",
    "launch-failed": "failed",
    // A relaunch by policy (retry, revive) that does not become ready is
    // decided like any exit.
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
  // A job that ran to success: `tend start` runs it again.
  completed: { start: "starting", stop: "stopped" },
};

/** The outcome of an event: the next state, or the event did not apply. */
export type TransitionResult =
  | { ok: true; state: RunState }
  | { ok: false; state: RunState; event: RunEvent };

/**
 * The state after `event` in `state`. An event that does not apply is a bug
 * in its sender: the result says so (`ok: false`, the state unchanged) and
 * the caller reports it.
 */
export function transition(
  state: RunState,
  event: RunEvent,
): TransitionResult {
  const next = TRANSITIONS[state][event];
  return next === undefined
    ? { ok: false, state, event }
    : { ok: true, state: next };
}

/** An event sent to a service in a state where it does not apply. */
export interface InvalidTransition {
  service: string;
  state: RunState;
  event: RunEvent;
}
