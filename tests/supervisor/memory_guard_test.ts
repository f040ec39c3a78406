import assert from "node:assert/strict";
import { parse, web } from "../config/_helpers.ts";
import {
  describeMemory,
  MemoryGuard,
  memoryVerdict,
} from "../../src/supervisor/memory_guard.ts";
import { silentLog } from "../../src/supervisor/log.ts";

const MB = 1024 * 1024;
const LIMIT = { limitBytes: 512 * MB };

Deno.test("memoryVerdict() restarts after two readings in a row above the limit", () => {
  const table: [number, number, { strikes: number; restart: boolean }][] = [
    [0, 500, { strikes: 0, restart: false }],
    [0, 512, { strikes: 0, restart: false }],
    [0, 600, { strikes: 1, restart: false }],
    [1, 500, { strikes: 0, restart: false }],
    [1, 600, { strikes: 0, restart: true }],
  ];
  for (const [strikes, mb, expected] of table) {
    assert.deepEqual(
      memoryVerdict(strikes, { ...LIMIT, rssBytes: mb * MB }),
      expected,
      `${strikes} strikes, ${mb} MB`,
    );
  }
});

Deno.test("describeMemory() reads like the limit, in MB", () => {
  assert.equal(
    describeMemory({ ...LIMIT, rssBytes: 612 * MB + 1000 }),
    "memory 612 MB > 512 MB",
  );
  assert.equal(
    describeMemory({ rssBytes: 900 * 1024, limitBytes: 512 * 1024 }),
    "memory 900 KB > 512 KB",
  );
});

Deno.test("MemoryGuard restarts a running service once per two high readings, and never a stopped one", async () => {
  const [service] = parse(web('max_memory = "512MB"', 'check_interval = "1s"'))
    .services;
  let tick: () => void = () => {};
  let cancelled = false;
  const ticker = {
    every(ms: number, callback: () => void) {
      assert.equal(ms, 1_000);
      tick = callback;
      return () => cancelled = true;
    },
  };
  const readings = [600, 400, 600, 600, 600, 600];
  const restarts: string[] = [];
  let pid: number | null = 42;
  const guard = new MemoryGuard({
    ticker,
    log: silentLog,
    lookup: () => ({
      runningPid: () => pid,
      restart: (cause) => Promise.resolve(restarts.push(cause)),
    }),
    read: (pgid) => {
      assert.equal(pgid, 42);
      return Promise.resolve(readings.shift()! * MB);
    },
  });
  guard.sync([service!]);
  const check = async () => {
    tick();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  for (let i = 0; i < 4; i++) await check();
  assert.deepEqual(restarts, ["memory 600 MB > 512 MB"]);
  pid = null;
  await check();
  await check();
  assert.equal(readings.length, 2, "no reading while it does not run");
  assert.equal(restarts.length, 1);
  guard[Symbol.dispose]();
  assert.ok(cancelled, "dispose cancels the check");
});
