import type { ServiceState } from "../ipc/protocol.ts";

/** The states the supervisor keeps; `stale` only appears in offline views. */
export type RunState = Exclude<ServiceState, "stale">;

/** What can happen to a service. */
export type RunEvent =
  | "start" // a user or a dependency asks for it
  | "ready" // the readiness check passed
  | "crash" // it exited and the policy restarts it
  | "fail" // it exited and the policy gives up
  | "exit" // it exited successfully and stays down
  | "retry" // the backoff delay is over
  | "stop" // a user asks it to stop
  | "stopped"; // the stop is confirmed

const TRANSITIONS: Readonly<
  Record<RunState, Partial<Record<RunEvent, RunState>>>
> = {
  stopped: { start: "starting", stop: "stopped" },
  failed: { start: "starting", stop: "stopped" },
  starting: {
    ready: "running",
    crash: "backoff",
    fail: "failed",
    exit: "stopped",
    stop: "stopping",
  },
  running: {
    crash: "backoff",
    fail: "failed",
    exit: "stopped",
    stop: "stopping",
  },
  backoff: { retry: "starting", start: "starting", stop: "stopped" },
  stopping: { stopped: "stopped", crash: "stopping", fail: "stopping" },
};

/**
 * The state after `event` in `state`, or `null` when the event does not
 * apply there (the caller ignores it).
 */
export function transition(state: RunState, event: RunEvent): RunState | null {
  return TRANSITIONS[state][event] ?? null;
}
