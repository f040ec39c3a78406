import type { LastExit, ServiceStatus } from "../ipc/protocol.ts";
import type { Identity } from "../proc/identity.ts";
import type { ServiceRecord } from "../workspace/state_file.ts";
import type { RunState } from "./transition.ts";

/** Everything a runner shows of itself, as plain data. */
export interface RunnerSnapshot {
  name: string;
  state: RunState;
  desired: "running" | "stopped";
  identity: Identity | null;
  port: number | null;
  /** ms since the epoch. */
  startedAt: number | null;
  restarts: number;
  lastExit: LastExit | null;
  /** ms since the epoch. */
  nextRestartAt: number | null;
  reason: string | null;
  fingerprint: string;
  autostart: boolean;
}

/** Whether a service in `state` has a process (its PID and port mean something). */
export function hasProcess(state: RunState): boolean {
  return state === "starting" || state === "running" || state === "stopping";
}

/** The service as `status` shows it (CPU and RSS are filled in later). */
export function serviceView(s: RunnerSnapshot, now: number): ServiceStatus {
  const live = hasProcess(s.state);
  const startedAt = live ? s.startedAt : null;
  return {
    name: s.name,
    status: s.state,
    pid: live ? s.identity?.pid ?? null : null,
    port: live ? s.port : null,
    startedAt: startedAt === null ? null : new Date(startedAt).toISOString(),
    restarts: s.restarts,
    lastExit: s.lastExit,
    nextRestartAt: s.nextRestartAt === null
      ? null
      : new Date(s.nextRestartAt).toISOString(),
    reason: s.reason,
    autostart: s.autostart,
    uptimeSeconds: startedAt === null
      ? null
      : Math.floor((now - startedAt) / 1000),
    cpuPercent: null,
    rssBytes: null,
  };
}

/** What state.json keeps of the service. */
export function serviceRecord(s: RunnerSnapshot): ServiceRecord {
  const live = hasProcess(s.state);
  return {
    desired: s.desired,
    identity: live ? s.identity : null,
    port: live ? s.port : null,
    startedAt: live && s.startedAt !== null
      ? new Date(s.startedAt).toISOString()
      : null,
    restarts: s.restarts,
    lastExit: s.lastExit,
    fingerprint: s.fingerprint,
  };
}
