import type { ControlHandler } from "../../src/ipc/server.ts";
import type {
  ActionResponse,
  CleanupRequest,
  CleanupResponse,
  PingResponse,
  ReloadResponse,
  ServiceStatus,
  StatusResponse,
  StopRequest,
} from "../../src/ipc/protocol.ts";

/** The ping answer of the fake supervisor. */
export const PING: PingResponse = {
  pid: 4242,
  workspace: "/w",
  version: "0.0.0-test",
};

/** A service view the fake handler reports. */
export function view(name: string): ServiceStatus {
  return {
    name,
    status: "running",
    pid: 100,
    port: null,
    startedAt: "2024-05-01T10:00:00.000Z",
    restarts: 0,
    lastExit: null,
    nextRestartAt: null,
    reason: null,
    uptimeSeconds: 60,
    cpuPercent: null,
    rssBytes: null,
  };
}

/** The status answer of the fake supervisor. */
export const STATUS: StatusResponse = {
  workspace: "/w",
  supervisor: {
    status: "running",
    pid: 4242,
    startedAt: "2024-05-01T09:00:00.000Z",
    version: "0.0.0-test",
  },
  services: [view("web")],
};

/** The reload answer of the fake supervisor. */
export const RELOAD: ReloadResponse = {
  added: ["cache"],
  removed: [],
  changed: ["web"],
  unchanged: ["db"],
  results: [],
};

/** The cleanup answer of the fake supervisor. */
export function cleanupAnswer(
  { dryRun }: CleanupRequest,
): CleanupResponse {
  return {
    orphans: [{ pid: 77, pgid: 77, service: "web", command: "python3" }],
    staleFiles: [],
    killed: [],
    dryRun,
  };
}

/** A handler with canned answers that records every call. */
export interface FakeHandler extends ControlHandler {
  readonly calls: [string, unknown][];
}

/**
 * Makes a fake control handler. `fail` makes every action throw what it
 * returns for the given method name (undefined = answer normally).
 */
export function fakeHandler(
  fail: (method: string, arg: unknown) => unknown = () => undefined,
): FakeHandler {
  const calls: [string, unknown][] = [];
  const record = (method: string, arg: unknown) => {
    calls.push([method, arg]);
    const error = fail(method, arg);
    if (error !== undefined) throw error;
  };
  const action = (
    method: string,
    verb: ActionResponse["results"][number]["action"],
  ) =>
  (names: StopRequest["names"]): Promise<ActionResponse> => {
    record(method, names);
    return Promise.resolve({
      results: names.map((name) => ({
        name,
        action: verb,
        service: view(name),
      })),
    });
  };
  return {
    calls,
    ping() {
      record("ping", undefined);
      return PING;
    },
    status() {
      record("status", undefined);
      return Promise.resolve(STATUS);
    },
    start: action("start", "started"),
    stop: action("stop", "stopped"),
    restart: action("restart", "restarted"),
    reload() {
      record("reload", undefined);
      return Promise.resolve(RELOAD);
    },
    run(request) {
      record("run", request);
      return Promise.resolve({
        results: [{
          name: request.name,
          action: "started",
          service: { ...view(request.name), oneOff: true },
        }],
      });
    },
    cleanup(options) {
      record("cleanup", options);
      return Promise.resolve(cleanupAnswer(options));
    },
    shutdown(options) {
      record("shutdown", options);
      return Promise.resolve();
    },
    http() {
      record("http", undefined);
      return Promise.resolve({ url: "http://127.0.0.1:1", token: "t" });
    },
  };
}
