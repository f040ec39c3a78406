import assert from "node:assert/strict";
import { quickState } from "../../src/workspace/state_check.ts";
import { StateFile } from "../../src/workspace/state_schema.ts";

const IDENTITY = { pid: 4242, startTicks: 991, bootId: "a1b2c3" };
const AT = "2026-11-30T16:19:14.697Z";

function base(): Record<string, unknown> {
  return {
    version: 1,
    services: {
      web: {
        desired: "running",
        identity: { ...IDENTITY },
        port: 8080,
        startedAt: AT,
        restarts: 3,
        lastExit: { code: 1, signal: null, at: AT },
        fingerprint: '{"command":"deno"}',
      },
      "db.1": {
        desired: "stopped",
        identity: null,
        port: null,
        startedAt: null,
        restarts: 0,
        lastExit: { code: null, signal: "SIGTERM", at: AT },
        fingerprint: null,
      },
    },
  };
}

/** `base()` with the value at `path` replaced (or removed, for `undefined`). */
function variant(path: readonly string[], value: unknown): unknown {
  const data = base();
  let node = data as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return data;
}

/** The quick check settles `data` only as zod parses it, or leaves it. */
function agrees(data: unknown, label: string): "settled" | "left" {
  const zod = StateFile.safeParse(data);
  const quick = quickState(data);
  if (quick === undefined) return "left";
  assert.ok(zod.success, `${label}: settled, but zod refuses it`);
  assert.deepEqual(quick, zod.data, label);
  return "settled";
}

Deno.test("quickState() settles the files tend writes, as zod parses them", () => {
  assert.equal(agrees(base(), "two services"), "settled");
  assert.equal(agrees({ version: 1, services: {} }, "no service"), "settled");
  const extra = base();
  extra.note = "kept out";
  const services = extra.services as Record<string, Record<string, unknown>>;
  services.web!.extra = 1;
  (services.web!.lastExit as Record<string, unknown>).extra = 2;
  (services.web!.identity as Record<string, unknown>).extra = 3;
  assert.equal(agrees(extra, "unknown keys"), "settled");
});

Deno.test("quickState() settles nothing that zod refuses, field by field", () => {
  const values: unknown[] = [
    undefined,
    null,
    0,
    -1,
    1.5,
    65_536,
    2 ** 53,
    "",
    "x".repeat(41),
    "not a date",
    "running",
    "SIGTERM",
    AT,
    true,
    [],
    {},
    { ...IDENTITY, pid: 0 },
    { ...IDENTITY, bootId: "" },
    { code: 0, signal: null, at: AT },
    { code: 1.5, signal: null, at: AT },
    { code: null, signal: 9, at: AT },
    { code: null, signal: null, at: "yesterday" },
    { code: null, signal: null },
  ];
  const paths = [
    ["version"],
    ["services"],
    ...[
      "desired",
      "identity",
      "port",
      "startedAt",
      "restarts",
      "lastExit",
      "fingerprint",
    ].map((field) => ["services", "web", field]),
    ["services", "web", "lastExit", "code"],
    ["services", "web", "lastExit", "signal"],
    ["services", "web", "lastExit", "at"],
    ["services", "web", "identity", "pid"],
    ["services", "web", "identity", "startTicks"],
    ["services", "web", "identity", "bootId"],
    ["services", "db.1"],
  ];
  let settled = 0;
  let left = 0;
  for (const path of paths) {
    for (const value of values) {
      const label = `${path.join(".")} = ${JSON.stringify(value)}`;
      if (agrees(variant(path, value), label) === "settled") settled++;
      else left++;
    }
  }
  // Both happen: the check is used, and it leaves what it must.
  assert.ok(settled > 20 && left > 200, `${settled} settled, ${left} left`);
});

Deno.test("quickState() leaves unsafe names and __proto__ keys to zod", () => {
  const files = [
    '{"version":1,"services":{"__proto__":{}}}',
    '{"version":1,"services":{"../x":{}}}',
    '{"version":1,"services":{".hidden":{}}}',
    `{"version":1,"services":{"${"a".repeat(72)}":{}}}`,
    '{"__proto__":{"version":1},"services":{}}',
    '{"version":2,"services":{}}',
    "[]",
    "null",
  ];
  for (const text of files) {
    const data = JSON.parse(text);
    assert.equal(quickState(data), undefined, text);
    assert.equal(agrees(data, text), "left");
  }
});
