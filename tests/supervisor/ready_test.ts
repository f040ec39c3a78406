import assert from "node:assert/strict";
import type { ReadyCheck, ServiceConfig } from "../../src/config/schema.ts";
import {
  fill,
  parseTarget,
  type ReadyContext,
  waitReady,
} from "../../src/supervisor/ready.ts";
import { makeTempDir } from "../fence/_helpers.ts";
import { sleep } from "../../src/_async.ts";

/** How long a negative check ("not ready yet") watches the probe loop. */
const NOT_YET_MS = 200;
/** A generous deadline for checks that must pass. */
const DEADLINE_MS = 10_000;

/** A service with only the fields `waitReady` reads. */
function service(ready: ReadyCheck | null, minReadyMs = 0): ServiceConfig {
  return { ready, minReadyMs } as unknown as ServiceConfig;
}

function context(overrides: Partial<ReadyContext> = {}): ReadyContext {
  return {
    port: null,
    logFile: "/nonexistent/tend/test.log",
    logOffset: 0,
    signal: AbortSignal.timeout(DEADLINE_MS),
    ...overrides,
  };
}

/** Tracks whether a promise has settled, without awaiting it. */
function track(promise: Promise<void>): { settled: () => boolean } {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  return { settled: () => settled };
}

/** A port that was free a moment ago. */
function freePort(): number {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return listener.addr.port;
}

Deno.test("fill() replaces every {port} when a port is granted", async (t) => {
  const cases: [string, number | null, string][] = [
    ["{port}", 8080, "8080"],
    ["127.0.0.1:{port}", 8080, "127.0.0.1:8080"],
    ["http://localhost:{port}/{port}", 3000, "http://localhost:3000/3000"],
    ["no placeholder", 8080, "no placeholder"],
    ["{port}", null, "{port}"],
    ["{PORT}", 8080, "{PORT}"],
  ];
  for (const [text, port, expected] of cases) {
    await t.step(`${JSON.stringify(text)} with ${port}`, () => {
      assert.equal(fill(text, port), expected);
    });
  }
});

Deno.test("parseTarget() splits host and port, defaulting to 127.0.0.1", async (t) => {
  const cases: [string, string, number][] = [
    ["8080", "127.0.0.1", 8080],
    ["localhost:8080", "localhost", 8080],
    ["0.0.0.0:1", "0.0.0.0", 1],
    ["[::1]:8080", "::1", 8080],
    [":8080", "127.0.0.1", 8080],
    ["example.com:443", "example.com", 443],
  ];
  for (const [target, hostname, port] of cases) {
    await t.step(target, () => {
      assert.deepEqual(parseTarget(target), { hostname, port });
    });
  }
});

Deno.test("waitReady() resolves once a tcp target accepts connections", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await waitReady(
    service({ kind: "tcp", target: "{port}" }),
    context({ port: listener.addr.port }),
  );
  await waitReady(
    service({ kind: "tcp", target: `127.0.0.1:${listener.addr.port}` }),
    context(),
  );
});

Deno.test("waitReady() keeps probing a tcp target until it listens", async () => {
  const port = freePort();
  const waiting = waitReady(
    service({ kind: "tcp", target: "127.0.0.1:{port}" }),
    context({ port }),
  );
  const state = track(waiting);
  await sleep(NOT_YET_MS);
  assert.ok(!state.settled(), "ready before anything listened");
  using _listener = Deno.listen({ hostname: "127.0.0.1", port });
  await waiting;
});

Deno.test("waitReady() resolves on a log line written after the offset", async () => {
  await using dir = await makeTempDir();
  const logFile = dir.join("web.log");
  await Deno.writeTextFile(logFile, "listening on 1 (an earlier run)\n");
  const logOffset = (await Deno.stat(logFile)).size;
  const waiting = waitReady(
    service({ kind: "log", pattern: "^listening on \\d+" }),
    context({ logFile, logOffset }),
  );
  const state = track(waiting);
  await Deno.writeTextFile(logFile, "booting\n", { append: true });
  await sleep(NOT_YET_MS);
  assert.ok(!state.settled(), "matched a line from before the offset");
  await Deno.writeTextFile(logFile, "listening on 8080\n", { append: true });
  await waiting;
});

Deno.test("waitReady() matches a log line split across two writes", async () => {
  await using dir = await makeTempDir();
  const logFile = dir.join("web.log");
  await Deno.writeTextFile(logFile, "");
  const waiting = waitReady(
    service({ kind: "log", pattern: "^server ready$" }),
    context({ logFile }),
  );
  const state = track(waiting);
  await Deno.writeTextFile(logFile, "server re", { append: true });
  await sleep(NOT_YET_MS);
  assert.ok(!state.settled());
  await Deno.writeTextFile(logFile, "ady\n", { append: true });
  await waiting;
});

Deno.test("waitReady() matches a log line whose UTF-8 character is split across two writes", async () => {
  await using dir = await makeTempDir();
  const logFile = dir.join("web.log");
  await Deno.writeTextFile(logFile, "");
  const waiting = waitReady(
    service({ kind: "log", pattern: "^✓ ready$" }),
    context({ logFile, signal: AbortSignal.timeout(3_000) }),
  );
  const bytes = new TextEncoder().encode("✓ ready\n");
  await Deno.writeFile(logFile, bytes.subarray(0, 2), { append: true });
  await sleep(NOT_YET_MS); // Lets a probe read the first half of "✓".
  await Deno.writeFile(logFile, bytes.subarray(2), { append: true });
  await waiting;
});

Deno.test("waitReady() waits for a log file that does not exist yet", async () => {
  await using dir = await makeTempDir();
  const logFile = dir.join("later.log");
  const waiting = waitReady(
    service({ kind: "log", pattern: "up" }),
    context({ logFile }),
  );
  await sleep(NOT_YET_MS);
  await Deno.writeTextFile(logFile, "up\n");
  await waiting;
});

Deno.test("waitReady() resolves once an http URL answers 2xx", async () => {
  const controller = new AbortController();
  let hits = 0;
  const server = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      signal: controller.signal,
      onListen() {},
    },
    () => ++hits < 3 ? new Response("no", { status: 503 }) : new Response("ok"),
  );
  try {
    await waitReady(
      service({ kind: "http", url: "http://127.0.0.1:{port}/health" }),
      context({ port: server.addr.port }),
    );
    assert.equal(hits, 3);
  } finally {
    controller.abort();
    await server.finished;
  }
});

Deno.test("waitReady() runs a command check with PORT set", async () => {
  await waitReady(
    service({ kind: "command", command: 'test "$PORT" = 4321' }),
    context({ port: 4321 }),
  );
});

Deno.test("waitReady() without a check waits min_ready", async () => {
  const start = performance.now();
  await waitReady(service(null, 120), context());
  assert.ok(performance.now() - start >= 100);
});

Deno.test("waitReady() rejects with the reason when the signal aborts", async (t) => {
  await t.step("during a tcp probe loop", async () => {
    const controller = new AbortController();
    const reason = new Error("exited");
    const waiting = waitReady(
      service({ kind: "tcp", target: String(freePort()) }),
      context({ signal: controller.signal }),
    );
    setTimeout(() => controller.abort(reason), NOT_YET_MS);
    await assert.rejects(waiting, (e) => e === reason);
  });
  await t.step("during a log probe loop", async () => {
    await using dir = await makeTempDir();
    const logFile = dir.join("web.log");
    await Deno.writeTextFile(logFile, "nothing\n");
    const controller = new AbortController();
    const reason = new Error("timed out");
    const waiting = waitReady(
      service({ kind: "log", pattern: "never" }),
      context({ logFile, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(reason), NOT_YET_MS);
    await assert.rejects(waiting, (e) => e === reason);
  });
  await t.step("during min_ready", async () => {
    const controller = new AbortController();
    const reason = new Error("exited early");
    const waiting = waitReady(
      service(null, 60_000),
      context({ signal: controller.signal }),
    );
    setTimeout(() => controller.abort(reason), 10);
    await assert.rejects(waiting, (e) => e === reason);
  });
  await t.step("before it starts", async () => {
    const reason = new Error("already");
    await assert.rejects(
      waitReady(
        service(null, 60_000),
        context({ signal: AbortSignal.abort(reason) }),
      ),
      (e) => e === reason,
    );
  });
});
