import assert from "node:assert/strict";
import { isAlive, tend, waitFor, waitForService } from "../_helpers.ts";
import type { StatusResponse } from "../../src/ipc/protocol.ts";
import {
  rawRequest,
  rssOf,
  startWebWorkspace,
  type WebWorkspace,
} from "./_client.ts";

function auth(web: WebWorkspace): Record<string, string> {
  return { authorization: `Bearer ${web.token}` };
}

async function api(
  web: WebWorkspace,
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } =
    {},
): Promise<{ status: number; data: unknown }> {
  const reply = await rawRequest(web.port, {
    path,
    method: init.method ?? "GET",
    headers: { ...auth(web), ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  let data: unknown = null;
  try {
    data = JSON.parse(reply.body);
  } catch {
    data = reply.body;
  }
  return { status: reply.status, data };
}

function errorCode(data: unknown): string | undefined {
  return (data as { error?: { code?: string } }).error?.code;
}

Deno.test("HTTP API refuses requests without the token, with a wrong one, a foreign Host or Origin", async (t) => {
  await using web = await startWebWorkspace();
  await t.step("the token file is private and long", async () => {
    const info = await Deno.stat(web.ws.path(".tend/run/http.token"));
    assert.equal(info.mode! & 0o777, 0o600);
    assert.match(web.token, /^[0-9a-f]{64}$/);
  });
  await t.step("no token → 401", async () => {
    const reply = await rawRequest(web.port, { path: "/api/v1/status" });
    assert.equal(reply.status, 401);
    assert.equal(errorCode(JSON.parse(reply.body)), "PERMISSION_DENIED");
    assert.equal(reply.headers.get("access-control-allow-origin"), undefined);
  });
  await t.step("wrong token → 401", async () => {
    const reply = await rawRequest(web.port, {
      path: "/api/v1/status",
      headers: { authorization: `Bearer ${"0".repeat(64)}` },
    });
    assert.equal(reply.status, 401);
    const cookie = await rawRequest(web.port, {
      path: "/api/v1/status",
      headers: { cookie: `tend_token_${web.port}=${web.token.slice(1)}x` },
    });
    assert.equal(cookie.status, 401);
  });
  await t.step("a Host other than ours → 403 (DNS rebinding)", async () => {
    for (const host of ["evil.example", `evil.example:${web.port}`, ""]) {
      const reply = await rawRequest(web.port, {
        path: "/api/v1/status",
        headers: { ...auth(web), host },
      });
      assert.equal(reply.status, 403, host);
    }
    const local = await rawRequest(web.port, {
      path: "/api/v1/status",
      headers: { ...auth(web), host: `localhost:${web.port}` },
    });
    assert.equal(local.status, 200);
  });
  await t.step(
    "POST from a foreign Origin → 403, nothing stopped",
    async () => {
      const before = await api(web, "/api/v1/status");
      const reply = await api(web, "/api/v1/stop", {
        method: "POST",
        body: '{"names":["web"]}',
        headers: { origin: "http://evil.example" },
      });
      assert.equal(reply.status, 403);
      assert.equal(errorCode(reply.data), "PERMISSION_DENIED");
      const after = (await api(web, "/api/v1/status")).data as StatusResponse;
      assert.deepEqual(
        after.services.map((s) => s.pid),
        (before.data as StatusResponse).services.map((s) => s.pid),
      );
      const own = await api(web, "/api/v1/status", {
        headers: { origin: `http://127.0.0.1:${web.port}` },
      });
      assert.equal(own.status, 200);
    },
  );
  await t.step(
    "?token= sets an HttpOnly SameSite=Strict cookie and redirects without it",
    async () => {
      const reply = await rawRequest(web.port, {
        path: `/?token=${web.token}`,
      });
      assert.equal(reply.status, 303);
      assert.equal(reply.headers.get("location"), "/");
      const cookie = reply.headers.get("set-cookie") ?? "";
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      const page = await rawRequest(web.port, {
        path: "/",
        headers: { cookie: cookie.split(";")[0]! },
      });
      assert.equal(page.status, 200);
      assert.match(page.body, /<title>tend<\/title>/);
      const wrong = await rawRequest(web.port, { path: "/?token=nope" });
      assert.equal(wrong.status, 401);
    },
  );
});

Deno.test("HTTP API answers bad input with a 4xx and its code", async (t) => {
  await using web = await startWebWorkspace();
  const cases: [string, string, string, number, string][] = [
    ["POST", "/api/v1/stop", "{not json", 400, "USAGE"],
    ["POST", "/api/v1/stop", "[1,2]", 400, "USAGE"],
    ["POST", "/api/v1/stop", '{"names":"web"}', 400, "USAGE"],
    ["POST", "/api/v1/stop", '{"names":[1]}', 400, "USAGE"],
    ["POST", "/api/v1/stop", '{"names":["web"],"extra":1}', 400, "USAGE"],
    ["POST", "/api/v1/start", '{"wait":"yes"}', 400, "USAGE"],
    ["POST", "/api/v1/stop", '{"names":["nope"]}', 404, "UNKNOWN_SERVICE"],
    ["POST", "/api/v1/restart", '{"names":["nope"]}', 404, "UNKNOWN_SERVICE"],
    ["POST", "/api/v1/reload", '{"x":1}', 400, "USAGE"],
    ["GET", "/api/v1/logs/nope", "", 404, "UNKNOWN_SERVICE"],
    ["GET", "/api/v1/logs/web?lines=abc", "", 400, "USAGE"],
    ["GET", "/api/v1/logs/web?lines=99999999", "", 400, "USAGE"],
    ["GET", "/api/v1/nothing", "", 404, "USAGE"],
    ["GET", "/assets/../../tend.toml", "", 404, "USAGE"],
    ["POST", "/api/v1/stop", "x".repeat(70_000), 400, "USAGE"],
  ];
  for (const [method, path, body, status, code] of cases) {
    await t.step(
      `${method} ${path} ${body.slice(0, 30)} → ${status}`,
      async () => {
        const reply = await api(web, path, { method, body });
        assert.equal(reply.status, status, JSON.stringify(reply.data));
        assert.equal(errorCode(reply.data), code);
      },
    );
  }
  await t.step("the services still run", async () => {
    const status = (await api(web, "/api/v1/status")).data as StatusResponse;
    assert.deepEqual(status.services.map((s) => s.status), [
      "running",
      "running",
    ]);
  });
});

Deno.test("HTTP API stops, starts, reloads and reads logs through the supervisor", async (t) => {
  await using web = await startWebWorkspace();
  const status = (await api(web, "/api/v1/status")).data as StatusResponse;
  const pid = status.services.find((s) => s.name === "web")!.pid!;
  assert.ok(isAlive(pid));
  await t.step("status carries CPU and memory", () => {
    const view = status.services.find((s) => s.name === "web")!;
    assert.ok(view.rssBytes !== null && view.rssBytes > 0);
    assert.equal(typeof view.cpuPercent, "number");
  });
  await t.step("stop", async () => {
    const reply = await api(web, "/api/v1/stop", {
      method: "POST",
      body: '{"names":["web"]}',
    });
    assert.equal(reply.status, 200);
    const result = (reply.data as { results: { action: string }[] })
      .results;
    assert.deepEqual(result.map((r) => r.action), ["stopped"]);
    assert.ok(!isAlive(pid));
  });
  await t.step("start", async () => {
    const reply = await api(web, "/api/v1/start", {
      method: "POST",
      body: '{"names":["web"]}',
    });
    assert.equal(reply.status, 200);
    await waitForService(web.ws, "web", (s) => s.status === "running");
  });
  await t.step("logs", async () => {
    await waitFor(async () => {
      const reply = await api(web, "/api/v1/logs/count?lines=3");
      return (reply.data as { lines: string[] }).lines.length === 3;
    });
    const reply = await api(web, "/api/v1/logs/count?lines=2");
    const lines = (reply.data as { lines: string[] }).lines;
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^line \d{6}$/);
  });
  await t.step("reload reports a bad config and keeps running", async () => {
    const toml = await Deno.readTextFile(web.ws.path("tend.toml"));
    await web.ws.writeConfig(toml + "\n[[processes]]\nname = 1\n");
    const bad = await api(web, "/api/v1/reload", { method: "POST", body: "" });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad.data), "CONFIG_INVALID");
    await web.ws.writeConfig(toml.replace('name = "count"', 'name = "tally"'));
    const good = await api(web, "/api/v1/reload", { method: "POST", body: "" });
    assert.equal(good.status, 200, JSON.stringify(good.data));
    assert.deepEqual((good.data as { added: string[] }).added, ["tally"]);
  });
  await t.step("the OpenAPI document lists every endpoint", async () => {
    const reply = await api(web, "/api/v1/openapi.json");
    const doc = reply.data as { openapi: string; paths: object };
    assert.equal(doc.openapi, "3.1.0");
    for (
      const path of [
        "/api/v1/status",
        "/api/v1/start",
        "/api/v1/stop",
        "/api/v1/restart",
        "/api/v1/reload",
        "/api/v1/logs/{name}",
        "/api/v1/events",
      ]
    ) assert.ok(path in doc.paths, path);
  });
});

Deno.test("HTTP API streams status and log lines as server-sent events", async () => {
  await using web = await startWebWorkspace();
  const abort = new AbortController();
  const response = await fetch(`${web.base}/api/v1/events`, {
    headers: auth(web),
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  let text = "";
  const deadline = Date.now() + 15_000;
  while (!/event: log\ndata: .*"service":"count"/.test(text)) {
    assert.ok(Date.now() < deadline, `no log event in:\n${text}`);
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  abort.abort();
  assert.match(text, /^event: status\ndata: \{"workspace"/m);
});

Deno.test("HTTP API survives a burst of 1000 requests with flat memory", async () => {
  await using web = await startWebWorkspace();
  const before = await rssOf(web.pid);
  const kinds = [
    { path: "/api/v1/status", headers: auth(web) },
    { path: "/api/v1/status" },
    { path: "/api/v1/stop", method: "POST", body: "{bad", headers: auth(web) },
    { path: "/api/v1/logs/count?lines=50", headers: auth(web) },
    { path: "/assets/app.js", headers: auth(web) },
  ];
  const statuses = new Map<number, number>();
  for (let round = 0; round < 1000 / 50; round++) {
    const replies = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) => rawRequest(web.port, kinds[(round * 50 + i) % kinds.length]!),
      ),
    );
    for (const reply of replies) {
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    }
  }
  assert.deepEqual([...statuses.keys()].sort(), [200, 400, 401]);
  assert.equal(statuses.get(200), 600);
  const after = await rssOf(web.pid);
  assert.ok(
    after - before < 30 * 1024 * 1024,
    `RSS grew from ${before} to ${after}`,
  );
  const status = await tend(web.ws, ["status", "--json"]);
  assert.equal(status.code, 0, status.stderr);
});
