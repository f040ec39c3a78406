import assert from "node:assert/strict";
import type * as z from "npm:zod@4.6.7/mini";
import { ENDPOINTS, ErrorBody, Handshake } from "../../src/ipc/protocol.ts";
import { type JsonSchema, quickParse } from "../../src/ipc/quick_check.ts";
import {
  WIRE_ERROR_BODY,
  WIRE_HANDSHAKE,
  WIRE_RESPONSES,
} from "../../src/ipc/wire_responses.ts";
import { formatted } from "../../scripts/_wire/render.ts";
import { renderWireResponses } from "../../scripts/_wire/responses.ts";

const root = new URL("../../", import.meta.url);
const AT = "2026-11-30T12:00:00.000Z";

Deno.test("src/ipc/wire_responses.ts is what `deno task types` generates", async () => {
  const committed = await Deno.readTextFile(
    new URL("src/ipc/wire_responses.ts", root),
  );
  const generated = await formatted(
    renderWireResponses(ENDPOINTS, {
      errorBody: ErrorBody,
      handshake: Handshake,
    }),
  );
  assert.ok(
    committed === generated,
    "src/ipc/wire_responses.ts is stale: run `deno task types`",
  );
});

/** Handshakes a launched supervisor writes: serving, lost, failed. */
const HANDSHAKES: readonly unknown[] = [
  { ok: true, pid: 4242, lost: false },
  { ok: true, pid: 4242, lost: true },
  { ok: false, error: { code: "CONFIG_INVALID", message: "Cannot load" } },
  { ok: false, error: { code: "START_FAILED", message: "no", hint: "see" } },
];

/** A service with every field filled in, as a running supervisor shows it. */
function service(name: string): Record<string, unknown> {
  return {
    name,
    status: "running",
    pid: 42,
    port: 8080,
    startedAt: AT,
    restarts: 1,
    lastExit: { code: null, signal: "SIGTERM", at: AT },
    nextRestartAt: null,
    reason: "restarted: memory 612 MB > 512 MB",
    autostart: true,
    uptimeSeconds: 12.5,
    cpuPercent: 0,
    rssBytes: 1048576,
    schedule: {
      cron: "* * * * *",
      timezone: null,
      overlap: "skip",
      nextRunAt: AT,
      lastRunAt: null,
      lastResult: "ok",
      skipped: 0,
      queued: false,
    },
    oneOff: true,
    portNote: "port 8081 (8080 is in use)",
  };
}

const RESULT = {
  name: "web",
  action: "failed",
  service: service("web"),
  dependsOn: "db",
  error: {
    code: "START_FAILED",
    message: "It failed.",
    hint: "h",
    logTail: "",
  },
  restartedAgoMs: 3.5,
  killed: false,
};

/** One valid answer of each endpoint, and an error body. */
const ANSWERS: Record<string, unknown> = {
  ping: { pid: 1, workspace: "/w", version: "0.1.0" },
  status: {
    workspace: "/w",
    supervisor: { status: "running", pid: 1, startedAt: AT, version: "0.1.0" },
    services: [service("web"), { ...service("db"), status: "stopped" }],
    configDrift: {
      file: "/w/tend.toml",
      added: ["x"],
      removed: [],
      changed: [],
      error: null,
    },
  },
  start: {
    results: [RESULT],
    applied: { file: "/w/tend.toml", added: [], changed: ["web"] },
  },
  stop: { results: [] },
  restart: { results: [RESULT] },
  run: { results: [RESULT] },
  reload: {
    added: [],
    removed: ["a"],
    changed: [],
    unchanged: ["b"],
    results: [RESULT],
  },
  http: { url: "http://127.0.0.1:1", token: "t" },
  shutdown: { ok: true },
  cleanup: {
    orphans: [{ pid: 2, pgid: 2, service: null, command: "sleep 9" }],
    staleFiles: ["/w/.tend/run/x"],
    killed: [2],
    dryRun: false,
  },
};
const ERROR = { error: { code: "UNKNOWN_SERVICE", message: "No.", hint: "h" } };

/** Values of every kind, bad instants among them. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 60,
  "",
  "web",
  "running",
  "completed",
  AT,
  "2026-11-30",
  "not a date",
  `${AT}${" ".repeat(20)}`,
  [],
  ["web"],
  [1],
  {},
  { other: 1 },
];

/** `value` with the node at `path` replaced by `replacement` (or removed). */
function replaced(
  value: unknown,
  path: string[],
  replacement: unknown,
): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string, unknown>;
  const [key, ...rest] = path;
  copy[key!] = replaced(copy[key!], rest, replacement);
  return copy;
}

/** The path of every node of `value`. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  const out = [prefix];
  if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      out.push(...paths(child, [...prefix, key]));
    }
  }
  return out;
}

/** `answer` and every variant of it with one node replaced, or a key added. */
function variants(answer: unknown): unknown[] {
  const out: unknown[] = [answer];
  for (const path of paths(answer)) {
    for (const value of VALUES) out.push(replaced(answer, path, value));
    const node = path.reduce<unknown>(
      (at, key) => (at as Record<string, unknown>)[key],
      answer,
    );
    if (typeof node === "object" && node !== null && !Array.isArray(node)) {
      out.push(replaced(answer, [...path, "extra"], 1));
    }
  }
  // JSON text is what reaches the client: undefined fields vanish.
  return out.map((body) => JSON.parse(JSON.stringify(body) ?? "null"));
}

/** Asserts that `quick` is zod's value, key order included. */
function assertAsZod(schema: z.ZodMiniType, body: unknown, quick: unknown) {
  const zod = schema.safeParse(body);
  const what = JSON.stringify(body);
  assert.ok(zod.success, `zod rejects what the quick check settled: ${what}`);
  assert.equal(JSON.stringify(quick), JSON.stringify(zod.data), what);
  assert.deepEqual(quick, zod.data, what);
}

Deno.test("the quick check agrees with zod on every answer it settles", () => {
  let settled = 0;
  let left = 0;
  const cases: [z.ZodMiniType, JsonSchema, unknown][] = [];
  for (const [op, endpoint] of Object.entries(ENDPOINTS)) {
    const wire = WIRE_RESPONSES[op as keyof typeof WIRE_RESPONSES].response;
    for (const body of variants(ANSWERS[op])) {
      cases.push([endpoint.response, wire as JsonSchema, body]);
    }
  }
  for (const body of variants(ERROR)) {
    cases.push([ErrorBody, WIRE_ERROR_BODY as JsonSchema, body]);
  }
  for (const handshake of HANDSHAKES) {
    for (const body of variants(handshake)) {
      cases.push([Handshake, WIRE_HANDSHAKE as JsonSchema, body]);
    }
  }
  for (const [schema, wire, body] of cases) {
    const quick = quickParse(wire, body);
    if (quick === undefined) {
      left++;
      continue;
    }
    settled++;
    assertAsZod(schema, body, quick);
  }
  assert.ok(settled > 500 && left > 500, `${settled} settled, ${left} left`);
});

Deno.test("the quick check settles the answers a supervisor gives", () => {
  for (const [op, answer] of Object.entries(ANSWERS)) {
    const wire = WIRE_RESPONSES[op as keyof typeof WIRE_RESPONSES].response;
    const quick = quickParse(wire as JsonSchema, answer);
    assert.ok(quick !== undefined, `${op} is left to zod`);
    assertAsZod(
      ENDPOINTS[op as keyof typeof ENDPOINTS].response,
      answer,
      quick,
    );
  }
  assert.deepEqual(quickParse(WIRE_ERROR_BODY as JsonSchema, ERROR), ERROR);
  for (const handshake of HANDSHAKES) {
    const quick = quickParse(WIRE_HANDSHAKE as JsonSchema, handshake);
    assert.ok(
      quick !== undefined,
      `${JSON.stringify(handshake)} is left to zod`,
    );
    assertAsZod(Handshake, handshake, quick);
  }
});

Deno.test("a oneOf is settled only when exactly one option settles", () => {
  const either = { oneOf: [{ type: "string" }, { type: "string" }] };
  assert.equal(quickParse(either, "a"), undefined);
  const one = { oneOf: [{ type: "integer" }, { type: "boolean" }] };
  assert.equal(quickParse(one, 3), 3);
  assert.equal(quickParse(one, "b"), undefined);
});

Deno.test("an instant is checked by the function the zod schema refines with", () => {
  const status = WIRE_RESPONSES.status.response;
  const at = (startedAt: unknown) =>
    quickParse(status as JsonSchema, {
      ...(ANSWERS.status as object),
      supervisor: { status: "running", pid: 1, startedAt, version: null },
    });
  assert.ok(at(AT) !== undefined);
  assert.equal(at("not a date"), undefined);
  assert.ok(
    !ENDPOINTS.status.response.safeParse(
      {
        ...(ANSWERS.status as object),
        supervisor: {
          status: "running",
          pid: 1,
          startedAt: "not a date",
          version: null,
        },
      },
    ).success,
  );
  // A check name the quick check does not know leaves the value to zod.
  assert.equal(
    quickParse({ type: "string", "x-check": "other" }, AT),
    undefined,
  );
  assert.equal(
    quickParse({ type: "string", "x-check": "toString" }, AT),
    undefined,
  );
  assert.equal(quickParse({ type: "string", "x-check": "instant" }, AT), AT);
});

Deno.test("a refinement that named_checks.ts does not name stays zod's", async () => {
  const z = await import("npm:zod@4.6.7/mini");
  const Odd = z.object({ at: z.string().check(z.refine((s) => s !== "x")) });
  const text = renderWireResponses(
    { odd: { method: "GET", path: "/v1/odd", request: null, response: Odd } },
    { errorBody: Odd, handshake: Odd },
  );
  assert.match(text, /"x-zod-only":true/);
  assert.doesNotMatch(text, /"x-check"/);
});
