import assert from "node:assert/strict";
import type { LaunchStart } from "../../src/ipc/go.ts";
import type { ActionResponse } from "../../src/ipc/protocol.ts";
import type { ControlHandler } from "../../src/ipc/server.ts";
import { withLaunchStart } from "../../src/supervisor/launch_start.ts";
import { fakeHandler, view } from "../ipc/_fake_handler.ts";

const START: LaunchStart = {
  id: "0b5f4c1e-6a2d-4f7e-9c3b-8d1a2e3f4a5b",
  names: ["web", "db"],
  wait: true,
};

/** One start call the inner handler saw. */
interface StartCall {
  names: readonly string[];
  wait: boolean;
  launch: string | undefined;
}

/**
 * A control handler whose starts are recorded and answered, in order, by
 * `answers` (a start past them answers with its call number).
 */
function countingHandler(
  answers: (() => Promise<ActionResponse>)[] = [],
): { handler: ControlHandler; calls: StartCall[] } {
  const calls: StartCall[] = [];
  const handler: ControlHandler = {
    ...fakeHandler(),
    start(names, options, launch) {
      calls.push({ names: [...names], wait: options.wait, launch });
      const answer = answers[calls.length - 1];
      return answer ? answer() : Promise.resolve(numbered(calls.length));
    },
  };
  return { handler, calls };
}

/** An answer that says which start call gave it. */
function numbered(n: number): ActionResponse {
  return {
    results: [{
      name: `call-${n}`,
      action: "already-running",
      service: view(`call-${n}`),
    }],
  };
}

Deno.test("withLaunchStart() starts nothing until begin(), which starts once", () => {
  const { handler, calls } = countingHandler();
  const launch = withLaunchStart(handler, START);
  assert.deepEqual(calls, []);
  launch.begin();
  assert.deepEqual(calls, [{
    names: ["web", "db"],
    wait: true,
    launch: undefined,
  }]);
  launch.begin();
  assert.equal(calls.length, 1);
});

Deno.test("the request with the launch id and the same start gets the begun start's answer, once", async () => {
  const { handler, calls } = countingHandler();
  const launch = withLaunchStart(handler, START);
  launch.begin();
  const first = await launch.handler.start(
    ["web", "db"],
    { wait: true },
    START.id,
  );
  assert.deepEqual(first, numbered(1));
  assert.equal(calls.length, 1);
  // The same request again is a start of its own.
  const second = await launch.handler.start(
    ["web", "db"],
    { wait: true },
    START.id,
  );
  assert.deepEqual(second, numbered(2));
  assert.deepEqual(calls[1], {
    names: ["web", "db"],
    wait: true,
    launch: START.id,
  });
});

Deno.test("the matching request gets the very promise begin() made", async () => {
  let resolve!: (answer: ActionResponse) => void;
  const pending = new Promise<ActionResponse>((r) => resolve = r);
  const { handler, calls } = countingHandler([() => pending]);
  const launch = withLaunchStart(handler, START);
  launch.begin();
  const answer = launch.handler.start(["web", "db"], { wait: true }, START.id);
  assert.equal(answer, pending);
  resolve(numbered(7));
  assert.deepEqual(await answer, numbered(7));
  assert.equal(calls.length, 1);
});

Deno.test("any other start runs on its own and leaves the begun start's answer for its request", async (t) => {
  const others: [string, string[], boolean, string | undefined][] = [
    ["no launch id", ["web", "db"], true, undefined],
    ["another id", ["web", "db"], true, crypto.randomUUID()],
    ["other names", ["web"], true, START.id],
    ["more names", ["web", "db", "cache"], true, START.id],
    ["the names in another order", ["db", "web"], true, START.id],
    ["no names", [], true, START.id],
    ["another wait", ["web", "db"], false, START.id],
  ];
  for (const [label, names, wait, id] of others) {
    await t.step(label, async () => {
      const { handler, calls } = countingHandler();
      const launch = withLaunchStart(handler, START);
      launch.begin();
      const answer = await launch.handler.start(names, { wait }, id);
      assert.deepEqual(answer, numbered(2));
      assert.deepEqual(calls[1], { names, wait, launch: id });
      // The launching CLI's own request still gets the begun start.
      assert.deepEqual(
        await launch.handler.start(["web", "db"], { wait: true }, START.id),
        numbered(1),
      );
      assert.equal(calls.length, 2);
    });
  }
});

Deno.test("a request with the launch id before begin() runs a start of its own", async () => {
  const { handler, calls } = countingHandler();
  const launch = withLaunchStart(handler, START);
  const answer = await launch.handler.start(
    ["web", "db"],
    { wait: true },
    START.id,
  );
  assert.deepEqual(answer, numbered(1));
  assert.equal(calls.length, 1);
});

Deno.test("a launch start that fails gives its error to the matching request", async () => {
  const failure = new Error("port in use");
  const { handler } = countingHandler([() => Promise.reject(failure)]);
  const launch = withLaunchStart(handler, START);
  launch.begin();
  await assert.rejects(
    launch.handler.start(["web", "db"], { wait: true }, START.id),
    (error) => error === failure,
  );
});

Deno.test("a launch start that fails with nobody asking is no unhandled rejection", async () => {
  let unhandled: unknown = null;
  const onUnhandled = (event: PromiseRejectionEvent) => {
    unhandled = event.reason;
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    const { handler } = countingHandler([
      () => Promise.reject(new Error("nobody asks")),
    ]);
    withLaunchStart(handler, START).begin();
    // Long enough for the rejection to be reported if unhandled.
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assert.equal(unhandled, null);
});

Deno.test("withLaunchStart() passes every other call to the handler", async () => {
  const inner = fakeHandler();
  const launch = withLaunchStart(inner, START);
  await launch.handler.stop(["web"], { closing: false });
  await launch.handler.status();
  assert.deepEqual(inner.calls, [["stop", ["web"]], ["status", undefined]]);
});
