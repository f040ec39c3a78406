import assert from "node:assert/strict";
import { pollUntil, sleep } from "../src/_async.ts";

Deno.test("sleep() resolves after the delay", async () => {
  const start = performance.now();
  await sleep(30);
  assert.ok(performance.now() - start >= 25);
});

Deno.test("sleep() resolves when the signal does not abort", async () => {
  const controller = new AbortController();
  await sleep(10, { signal: controller.signal });
  controller.abort(); // No listener is left to fire.
});

Deno.test("sleep() rejects with the reason when the signal is already aborted", async () => {
  const reason = new Error("gone");
  await assert.rejects(
    sleep(10_000, { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});

Deno.test("sleep() rejects with the reason when the signal aborts during the wait", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  const start = performance.now();
  const promise = sleep(60_000, { signal: controller.signal });
  setTimeout(() => controller.abort(reason), 10);
  await assert.rejects(promise, (e) => e === reason);
  assert.ok(performance.now() - start < 10_000);
});

Deno.test("pollUntil resolves true once the check passes", async () => {
  let calls = 0;
  const passed = await pollUntil(() => ++calls === 3, {
    timeoutMs: 5_000,
    intervalMs: 1,
  });
  assert.ok(passed);
  assert.equal(calls, 3);
});

Deno.test("pollUntil checks once when the timeout is zero", async () => {
  let calls = 0;
  const passed = await pollUntil(async () => {
    calls++;
    await Promise.resolve();
    return calls < 0;
  }, { timeoutMs: 0, intervalMs: 1 });
  assert.ok(!passed);
  assert.equal(calls, 1);
});

Deno.test("pollUntil resolves false after the deadline", async () => {
  const started = performance.now();
  let calls = 0;
  const passed = await pollUntil(() => (calls++, false), {
    timeoutMs: 60,
    intervalMs: 10,
  });
  assert.ok(!passed);
  assert.ok(performance.now() - started >= 55);
  assert.ok(calls >= 2 && calls <= 8, `${calls} checks`);
});

Deno.test("pollUntil doubles the first pause up to intervalMs", async () => {
  const times: number[] = [];
  await pollUntil(() => times.push(performance.now()) === 6, {
    intervalMs: 40,
    firstIntervalMs: 5,
  });
  const pauses = times.slice(1).map((t, i) => t - times[i]!);
  // 5, 10, 20, 40, 40: the sum is at least 115 ms, and the last pauses
  // are not shorter than the first.
  assert.ok(times.at(-1)! - times[0]! >= 110, pauses.join(" "));
  assert.ok(pauses[4]! >= 35, pauses.join(" "));
});

Deno.test("pollUntil rejects with the error the check throws", async () => {
  const boom = new Error("boom");
  await assert.rejects(
    pollUntil(() => {
      throw boom;
    }, { intervalMs: 1 }),
    (error) => error === boom,
  );
});

Deno.test("pollUntil rejects with the reason when the signal aborts", async () => {
  const controller = new AbortController();
  const reason = new Error("exited");
  const pending = pollUntil(() => false, {
    intervalMs: 1_000,
    signal: controller.signal,
  });
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
});
