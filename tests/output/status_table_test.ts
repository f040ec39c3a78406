import assert from "node:assert/strict";
import type { ServiceStatus, StatusResponse } from "../../src/ipc/protocol.ts";
import {
  formatBytes,
  formatDuration,
  renderStatusTable,
} from "../../src/output/status_table.ts";

const NOW = Date.parse("2024-05-01T12:00:00.000Z");

function service(
  overrides: Partial<ServiceStatus> & Pick<ServiceStatus, "name" | "status">,
): ServiceStatus {
  return {
    pid: null,
    port: null,
    startedAt: null,
    restarts: 0,
    lastExit: null,
    nextRestartAt: null,
    reason: null,
    uptimeSeconds: null,
    cpuPercent: null,
    rssBytes: null,
    ...overrides,
  };
}

function status(services: ServiceStatus[]): StatusResponse {
  return {
    workspace: "/home/me/app",
    supervisor: {
      status: "running",
      pid: 4242,
      startedAt: "2024-05-01T11:00:00.000Z",
      version: "0.1.0",
    },
    services,
  };
}

const SERVICES: ServiceStatus[] = [
  service({
    name: "web",
    status: "running",
    pid: 4321,
    port: 8642,
    startedAt: "2024-05-01T11:56:48.000Z",
    uptimeSeconds: 192,
    cpuPercent: 12.345,
    rssBytes: 50 * 1024 * 1024,
  }),
  service({
    name: "worker",
    status: "backoff",
    nextRestartAt: "2024-05-01T12:00:02.500Z",
    restarts: 3,
    lastExit: { code: 1, signal: null, at: "2024-05-01T11:59:59.000Z" },
  }),
  service({
    name: "db",
    status: "failed",
    restarts: 10,
    lastExit: { code: null, signal: "SIGKILL", at: "2024-05-01T11:59:00.000Z" },
    reason: "restarted 3 times within 60 s (max_restarts)",
  }),
  service({
    name: "old",
    status: "stale",
    pid: 999,
    reason: "not tracked by the supervisor",
  }),
];

Deno.test("renderStatusTable() renders the golden table", () => {
  const expected = [
    "workspace: /home/me/app",
    "supervisor: running (pid 4242, tend 0.1.0)",
    "",
    "NAME    STATUS                 PID   PORT  UPTIME  CPU    MEM    RESTARTS  LAST EXIT",
    "web     running                4321  8642  3m 12s  12.3%  50.0M  0         -",
    "worker  backoff (retry in 2s)  -     -     -       -      -      3         code 1",
    "db      failed                 -     -     -       -      -      10        SIGKILL (restarted 3 times within 60 s (max_restarts))",
    "old     stale                  999   -     -       -      -      0         not tracked by the supervisor",
  ].join("\n");
  assert.equal(renderStatusTable(status(SERVICES), { now: NOW }), expected);
});

Deno.test("renderStatusTable() says so when there are no services", () => {
  const stopped: StatusResponse = {
    workspace: "/w",
    supervisor: {
      status: "stopped",
      pid: null,
      startedAt: null,
      version: null,
    },
    services: [],
  };
  assert.equal(
    renderStatusTable(stopped, { now: NOW }),
    "workspace: /w\nsupervisor: stopped\n\n(no services in tend.toml)",
  );
});

Deno.test("renderStatusTable() paints only the status cells of service rows", () => {
  const calls: string[] = [];
  const text = renderStatusTable(status(SERVICES.slice(0, 2)), {
    now: NOW,
    paint: (status, padded) => {
      calls.push(status);
      return `<${padded}>`;
    },
  });
  assert.deepEqual(calls, ["running", "backoff"]);
  const lines = text.split("\n");
  assert.ok(lines[3]!.startsWith("NAME    STATUS "));
  assert.ok(lines[4]!.startsWith("web     <running              >  4321"));
});

Deno.test("renderStatusTable() words the last exit", async (t) => {
  const at = "2024-05-01T11:59:00.000Z";
  const cases: [Partial<ServiceStatus>, string][] = [
    [{}, "-"],
    [{ reason: "port 8642 is taken" }, "port 8642 is taken"],
    [{ lastExit: { code: 0, signal: null, at } }, "code 0"],
    [{ lastExit: { code: null, signal: null, at } }, "gone"],
    [{ lastExit: { code: null, signal: "SIGTERM", at } }, "SIGTERM"],
    [
      { lastExit: { code: 2, signal: null, at }, reason: "exited with code 2" },
      "code 2",
    ],
    [
      { lastExit: { code: 2, signal: null, at }, reason: "bad config" },
      "code 2 (bad config)",
    ],
  ];
  for (const [overrides, expected] of cases) {
    await t.step(expected, () => {
      const text = renderStatusTable(
        status([service({ name: "web", status: "stopped", ...overrides })]),
        { now: NOW },
      );
      assert.ok(
        text.split("\n")[4]!.endsWith(`  ${expected}`),
        JSON.stringify(text),
      );
    });
  }
});

Deno.test("formatDuration() picks the two largest units", async (t) => {
  const cases: [number, string][] = [
    [-5, "0ms"],
    [0, "0ms"],
    [1, "1ms"],
    [450, "450ms"],
    [999, "999ms"],
    [1_000, "1s"],
    [1_999, "1s"],
    [12_000, "12s"],
    [59_999, "59s"],
    [60_000, "1m 0s"],
    [192_000, "3m 12s"],
    [3_599_999, "59m 59s"],
    [3_600_000, "1h 0m"],
    [7_500_000, "2h 5m"],
    [86_399_999, "23h 59m"],
    [86_400_000, "1d 0h"],
    [273_600_000, "3d 4h"],
    [400 * 86_400_000, "400d 0h"],
  ];
  for (const [ms, expected] of cases) {
    await t.step(`${ms} → ${expected}`, () => {
      assert.equal(formatDuration(ms), expected);
    });
  }
});

Deno.test("formatBytes() uses 1024-based units with one decimal", async (t) => {
  const cases: [number, string][] = [
    [0, "0B"],
    [512, "512B"],
    [1_023, "1023B"],
    [1_024, "1.0K"],
    [1_536, "1.5K"],
    [12_595, "12.3K"],
    [50 * 1024 * 1024, "50.0M"],
    [1.2 * 1024 ** 3, "1.2G"],
    [2 * 1024 ** 4, "2.0T"],
    [3 * 1024 ** 5, "3072.0T"],
  ];
  for (const [bytes, expected] of cases) {
    await t.step(`${bytes} → ${expected}`, () => {
      assert.equal(formatBytes(bytes), expected);
    });
  }
});
