import assert from "node:assert/strict";
import { hostsOf, judge } from "../../src/web/_guard.ts";
import { sameToken } from "../../src/web/token.ts";

const TOKEN = "a".repeat(64);
const OPTIONS = {
  token: TOKEN,
  hosts: hostsOf("127.0.0.1", 8644),
  anyIpHost: false,
  cookieName: "tend_token_8644",
};

function request(
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Request {
  return new Request(`http://127.0.0.1:8644${path}`, {
    method: init.method ?? "GET",
    headers: { host: "127.0.0.1:8644", ...init.headers },
  });
}

Deno.test("judge() decides each request", async (t) => {
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const cases: [string, Request, string][] = [
    ["a bearer token", request("/api/v1/status", { headers: bearer }), "pass"],
    [
      "the cookie",
      request("/", {
        headers: { cookie: `x=1; tend_token_8644=${TOKEN}` },
      }),
      "pass",
    ],
    [
      "another port's cookie",
      request("/", {
        headers: { cookie: `tend_token_9000=${TOKEN}` },
      }),
      "401",
    ],
    ["no token", request("/api/v1/status"), "401"],
    [
      "a wrong token",
      request("/", {
        headers: { authorization: "Bearer b" },
      }),
      "401",
    ],
    [
      "localhost",
      request("/", {
        headers: { ...bearer, host: "localhost:8644" },
      }),
      "pass",
    ],
    [
      "a foreign host",
      request("/", {
        headers: { ...bearer, host: "evil.test:8644" },
      }),
      "403",
    ],
    [
      "an IP host when not serving remote",
      request("/", {
        headers: { ...bearer, host: "10.0.0.1:8644" },
      }),
      "403",
    ],
    [
      "a POST from our origin",
      request("/api/v1/stop", {
        method: "POST",
        headers: { ...bearer, origin: "http://127.0.0.1:8644" },
      }),
      "pass",
    ],
    [
      "a POST from another origin",
      request("/api/v1/stop", {
        method: "POST",
        headers: { ...bearer, origin: "http://evil.test" },
      }),
      "403",
    ],
    [
      "a POST marked cross-site",
      request("/api/v1/stop", {
        method: "POST",
        headers: { ...bearer, "sec-fetch-site": "cross-site" },
      }),
      "403",
    ],
    ["?token=", request(`/?token=${TOKEN}&x=1`), "redirect"],
  ];
  for (const [name, req, expected] of cases) {
    await t.step(name, () => {
      const verdict = judge(req, OPTIONS);
      const got = verdict.kind === "deny"
        ? String(verdict.status)
        : verdict.kind;
      assert.equal(got, expected);
    });
  }
});

Deno.test("judge() redirects ?token= to the URL without it, with a strict cookie", () => {
  const verdict = judge(request(`/?x=1&token=${TOKEN}`), OPTIONS);
  assert.equal(verdict.kind, "redirect");
  if (verdict.kind !== "redirect") return;
  assert.equal(verdict.location, "/?x=1");
  assert.equal(
    verdict.cookie,
    `tend_token_8644=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`,
  );
});

Deno.test("judge() accepts any IP host, never a name, when serving remote hosts", () => {
  const remote = { ...OPTIONS, anyIpHost: true };
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const ip = judge(
    request("/", { headers: { ...bearer, host: "192.168.1.5:8644" } }),
    remote,
  );
  assert.equal(ip.kind, "pass");
  const name = judge(
    request("/", { headers: { ...bearer, host: "evil.test:8644" } }),
    remote,
  );
  assert.equal(name.kind, "deny");
});

Deno.test("sameToken() compares whole tokens only", () => {
  assert.ok(sameToken(TOKEN, TOKEN));
  assert.ok(!sameToken(TOKEN.slice(1), TOKEN));
  assert.ok(!sameToken(TOKEN + "a", TOKEN));
  assert.ok(!sameToken("", TOKEN));
  assert.ok(!sameToken("b" + TOKEN.slice(1), TOKEN));
});
