import assert from "node:assert/strict";
import { TendError } from "../../src/errors.ts";
import { ErrorBody } from "../../src/ipc/protocol.ts";
import { LAUNCH_HEADER } from "../../src/ipc/_http.ts";
import { type ControlHandler, route } from "../../src/ipc/server.ts";
import type { PlainAnswer, PlainRequest } from "../../src/ipc/unix_server.ts";
import { isProblem, parseRequestHead } from "../../src/ipc/_request_head.ts";
import {
  cleanupAnswer,
  fakeHandler,
  PING,
  RELOAD,
  STATUS,
  view,
} from "./_fake_handler.ts";

const LAUNCH_ID = "0b5f4c1e-6a2d-4f7e-9c3b-8d1a2e3f4a5b";

/** A request as the control server reads it, from its head's text. */
function request(
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): PlainRequest {
  const fields = Object.entries({
    host: "tend",
    "content-type": "application/json",
    ...options.headers,
  }).map(([name, value]) => `\r\n${name}: ${value}`).join("");
  const head = parseRequestHead(`${method} ${target} HTTP/1.1${fields}`);
  assert.ok(!isProblem(head));
  return { ...head, body: options.body ?? "" };
}

function get(path: string): PlainRequest {
  return request("GET", path);
}

function post(path: string, body?: string): PlainRequest {
  return request("POST", path, body === undefined ? {} : { body });
}

function answer(response: PlainAnswer): { status: number; body: unknown } {
  return { status: response.status, body: JSON.parse(response.body) };
}

Deno.test("route() answers GET /v1/ping and /v1/status", async (t) => {
  const handler = fakeHandler();
  await t.step("ping", async () => {
    assert.deepEqual(answer(await route(get("/v1/ping"), handler)), {
      status: 200,
      body: PING,
    });
  });
  await t.step("status", async () => {
    assert.deepEqual(answer(await route(get("/v1/status"), handler)), {
      status: 200,
      body: STATUS,
    });
  });
  await t.step("a query string is ignored", async () => {
    const response = await route(get("/v1/ping?x=1"), handler);
    assert.equal(response.status, 200);
  });
  assert.deepEqual(handler.calls, [
    ["ping", undefined],
    ["status", undefined],
    ["ping", undefined],
  ]);
});

Deno.test("route() passes names to start, stop and restart", async (t) => {
  const cases: [string, string, string][] = [
    ["/v1/start", "start", "started"],
    ["/v1/stop", "stop", "stopped"],
    ["/v1/restart", "restart", "restarted"],
  ];
  for (const [path, method, action] of cases) {
    await t.step(path, async () => {
      const handler = fakeHandler();
      const response = await route(
        post(path, JSON.stringify({ names: ["web", "db"] })),
        handler,
      );
      assert.deepEqual(answer(response), {
        status: 200,
        body: {
          results: [
            { name: "web", action, service: view("web") },
            { name: "db", action, service: view("db") },
          ],
        },
      });
      assert.deepEqual(handler.calls, [[method, ["web", "db"]]]);
    });
  }
});

Deno.test("route() treats a missing body or missing names as no names", async (t) => {
  const cases: [string, string | undefined][] = [
    ["no body", undefined],
    ["blank body", "  \n"],
    ["empty object", "{}"],
    ["null names", '{"names":null}'],
  ];
  for (const [label, body] of cases) {
    await t.step(label, async () => {
      const handler = fakeHandler();
      const response = await route(post("/v1/start", body), handler);
      assert.deepEqual(answer(response), {
        status: 200,
        body: { results: [] },
      });
      assert.deepEqual(handler.calls, [["start", []]]);
    });
  }
});

Deno.test("route() answers POST /v1/reload and /v1/shutdown", async (t) => {
  await t.step("reload", async () => {
    const handler = fakeHandler();
    assert.deepEqual(
      answer(await route(post("/v1/reload", "{}"), handler)),
      {
        status: 200,
        body: RELOAD,
      },
    );
  });
  const cases: [string, boolean][] = [
    ['{"stopServices":true}', true],
    ['{"stopServices":false}', false],
    ["{}", false],
  ];
  for (const [body, stopServices] of cases) {
    await t.step(`shutdown ${body}`, async () => {
      const handler = fakeHandler();
      assert.deepEqual(
        answer(await route(post("/v1/shutdown", body), handler)),
        { status: 200, body: { ok: true } },
      );
      assert.deepEqual(handler.calls, [["shutdown", { stopServices }]]);
    });
  }
});

Deno.test("route() answers POST /v1/cleanup with dryRun off unless given", async (t) => {
  const cases: [string, boolean][] = [
    ['{"dryRun":true}', true],
    ["{}", false],
  ];
  for (const [body, dryRun] of cases) {
    await t.step(body, async () => {
      const handler = fakeHandler();
      assert.deepEqual(
        answer(await route(post("/v1/cleanup", body), handler)),
        { status: 200, body: cleanupAnswer({ dryRun }) },
      );
      assert.deepEqual(handler.calls, [["cleanup", { dryRun }]]);
    });
  }
});

Deno.test("route() answers a bad body with 400 USAGE", async (t) => {
  const cases: [string, string][] = [
    ["not JSON", "{names:"],
    ["an array", '["web"]'],
    ["a string", '"web"'],
    ["null", "null"],
    ["names a string", '{"names":"web"}'],
    ["names an object", '{"names":{"0":"web"}}'],
    ["a name that is a number", '{"names":["web",1]}'],
    ["a name of 201 characters", JSON.stringify({ names: ["x".repeat(201)] })],
    ["1001 names", JSON.stringify({ names: Array(1001).fill("web") })],
    [
      "a body over 64 KiB",
      JSON.stringify({ names: [], pad: "x".repeat(70_000) }),
    ],
  ];
  for (const [label, body] of cases) {
    await t.step(label, async () => {
      const handler = fakeHandler();
      const { status, body: data } = answer(
        await route(post("/v1/start", body), handler),
      );
      assert.equal(status, 400);
      const error = ErrorBody.parse(data).error;
      assert.equal(error.code, "USAGE");
      assert.match(error.message, /^Cannot read the request: /);
      assert.deepEqual(handler.calls, []);
    });
  }
});

Deno.test("route() names the bad field of a body in its 400 USAGE", async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      "/v1/start",
      '{"names":"web"}',
      /"names": expected a list of service names/,
    ],
    ["/v1/start", '{"names":["web",1]}', /"names\.1": .*expected string/],
    ["/v1/start", '{"wait":"no"}', /"wait": .*expected boolean/],
    ["/v1/stop", '{"names":[null]}', /"names\.0": /],
    [
      "/v1/restart",
      JSON.stringify({ names: ["x".repeat(201)] }),
      /"names\.0": a service name has at most 200 characters/,
    ],
    [
      "/v1/shutdown",
      '{"stopServices":"yes"}',
      /"stopServices": .*expected boolean/,
    ],
    ["/v1/cleanup", '{"dryRun":1}', /"dryRun": .*expected boolean/],
    ["/v1/reload", "[]", /the body is not a JSON object/],
  ];
  for (const [path, body, message] of cases) {
    await t.step(`${path} ${body.slice(0, 40)}`, async () => {
      const handler = fakeHandler();
      const { status, body: data } = answer(
        await route(post(path, body), handler),
      );
      assert.equal(status, 400);
      const error = ErrorBody.parse(data).error;
      assert.equal(error.code, "USAGE");
      assert.match(error.message, /^Cannot read the request: /);
      assert.match(error.message, message);
      assert.deepEqual(handler.calls, []);
    });
  }
});

Deno.test("route() answers an unknown endpoint with 404 USAGE", async (t) => {
  const cases: [string, PlainRequest][] = [
    ["GET /v1/nope", get("/v1/nope")],
    ["GET /", get("/")],
    ["POST /v1/nope", post("/v1/nope", "{}")],
    ["POST /v1/ping", post("/v1/ping")],
    ["GET /v1/start", get("/v1/start")],
    [
      "DELETE /v1/ping",
      request("DELETE", "/v1/ping"),
    ],
  ];
  for (const [label, request] of cases) {
    await t.step(label, async () => {
      const handler = fakeHandler();
      const { status, body } = answer(await route(request, handler));
      assert.equal(status, 404);
      assert.equal((body as { error: { code: string } }).error.code, "USAGE");
      assert.deepEqual(handler.calls, []);
    });
  }
});

Deno.test("route() maps a TendError from the handler to its status and body", async (t) => {
  const cases: [TendError, number][] = [
    [
      new TendError("UNKNOWN_SERVICE", 'Cannot start "nope": no such service', {
        hint: "Check tend.toml",
      }),
      404,
    ],
    [new TendError("USAGE", "Cannot do that"), 400],
    [new TendError("CONFIG_INVALID", "Cannot reload: bad"), 400],
    [new TendError("PORT_IN_USE", "Cannot start: port"), 409],
    [new TendError("ALREADY_RUNNING", "Cannot start: running"), 409],
    [new TendError("START_FAILED", "Cannot start: failed"), 500],
  ];
  for (const [error, status] of cases) {
    await t.step(error.code, async () => {
      const handler = fakeHandler((method) =>
        method === "start" ? error : undefined
      );
      const response = await route(
        post("/v1/start", '{"names":["nope"]}'),
        handler,
      );
      const expected = error.hint === undefined
        ? { code: error.code, message: error.message }
        : { code: error.code, message: error.message, hint: error.hint };
      assert.deepEqual(answer(response), {
        status,
        body: { error: expected },
      });
    });
  }
});

Deno.test("route() answers a plain Error from the handler with 500 INTERNAL", async (t) => {
  for (const path of ["/v1/ping", "/v1/status"]) {
    await t.step(`GET ${path}`, async () => {
      const handler = fakeHandler(() => new Error("boom"));
      assert.deepEqual(answer(await route(get(path), handler)), {
        status: 500,
        body: {
          error: {
            code: "INTERNAL",
            message: "Cannot complete the request: boom",
          },
        },
      });
    });
  }
  await t.step("POST /v1/reload", async () => {
    const handler = fakeHandler(() => new Error("boom"));
    const { status, body } = answer(
      await route(post("/v1/reload"), handler),
    );
    assert.equal(status, 500);
    assert.equal((body as { error: { code: string } }).error.code, "INTERNAL");
  });
});

Deno.test("route() passes the x-tend-launch header of a start to handler.start", async (t) => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    ["with the header", { [LAUNCH_HEADER]: LAUNCH_ID }, LAUNCH_ID],
    ["without it", {}, undefined],
  ];
  for (const [label, headers, expected] of cases) {
    await t.step(label, async () => {
      const launches: (string | undefined)[] = [];
      const handler: ControlHandler = {
        ...fakeHandler(),
        start(names, options, launch) {
          launches.push(launch);
          assert.deepEqual([names, options], [["web"], { wait: false }]);
          return Promise.resolve({ results: [] });
        },
      };
      const start = request("POST", "/v1/start", {
        headers,
        body: JSON.stringify({ names: ["web"], wait: false }),
      });
      assert.deepEqual(answer(await route(start, handler)), {
        status: 200,
        body: { results: [] },
      });
      assert.deepEqual(launches, [expected]);
    });
  }
});
