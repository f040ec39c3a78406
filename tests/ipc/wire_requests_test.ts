import assert from "node:assert/strict";
import type * as z from "npm:zod@4.6.7/mini";
import { ENDPOINTS } from "../../src/ipc/protocol.ts";
import { type JsonSchema, quickParse } from "../../src/ipc/quick_check.ts";
import { WIRE_ENDPOINTS } from "../../src/ipc/wire_requests.ts";
import { formatted } from "../../scripts/_wire/render.ts";
import { renderWireRequests } from "../../scripts/_wire/requests.ts";

const root = new URL("../../", import.meta.url);

Deno.test("src/ipc/wire_requests.ts is what `deno task types` generates", async () => {
  const committed = await Deno.readTextFile(
    new URL("src/ipc/wire_requests.ts", root),
  );
  const generated = await formatted(renderWireRequests(ENDPOINTS));
  assert.ok(
    committed === generated,
    "src/ipc/wire_requests.ts is stale: run `deno task types`",
  );
});

/** Values of every kind, and of the sizes the schemas limit. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  8080,
  1.5,
  2 ** 60,
  "",
  "web",
  "x".repeat(200),
  "x".repeat(201),
  [],
  ["web"],
  ["web", "db"],
  [""],
  ["x".repeat(201)],
  [1],
  [null],
  Array.from({ length: 1000 }, (_, i) => `s${i}`),
  Array.from({ length: 1001 }, (_, i) => `s${i}`),
  {},
  { http: "http://127.0.0.1:{port}/" },
  { tcp: 8080 },
  { http: 1.5 },
  { http: null },
];

/** Every body of one field from VALUES, and some of several fields. */
function bodies(op: keyof typeof WIRE_ENDPOINTS): unknown[] {
  const request = WIRE_ENDPOINTS[op].request as JsonSchema | null;
  const fields = Object.keys(
    (request?.properties ?? {}) as Record<string, unknown>,
  );
  const out: unknown[] = [null, [], "x", 1, {}, { other: 1 }];
  out.push(JSON.parse('{"__proto__": {"names": []}}'));
  for (const field of [...fields, "unknown"]) {
    for (const value of VALUES) out.push({ [field]: value });
  }
  for (const a of VALUES) {
    for (const b of VALUES) {
      if (fields.length >= 2) out.push({ [fields[0]!]: a, [fields[1]!]: b });
    }
  }
  if (op === "run") {
    for (const value of VALUES) {
      out.push({ name: "job", command: "sleep", args: ["1"], port: value });
      out.push({ name: "job", command: "sleep", ready: value });
      out.push({ name: "job", command: "sleep", args: value });
    }
  }
  // JSON text is what reaches the server: undefined fields vanish.
  return out.map((body) => JSON.parse(JSON.stringify(body) ?? "null"));
}

Deno.test("the quick check agrees with zod on every body it settles", () => {
  let settled = 0;
  for (const [op, endpoint] of Object.entries(ENDPOINTS)) {
    if (endpoint.request === null) continue;
    const wire = WIRE_ENDPOINTS[op as keyof typeof WIRE_ENDPOINTS];
    for (const body of bodies(op as keyof typeof WIRE_ENDPOINTS)) {
      const quick = quickParse(wire.request as JsonSchema, body);
      if (quick === undefined) continue;
      settled++;
      const schema: z.ZodMiniType = endpoint.request;
      const zod = schema.safeParse(body);
      assert.ok(zod.success, `${op} ${JSON.stringify(body)}: zod rejects it`);
      assert.deepEqual(quick, zod.data, `${op} ${JSON.stringify(body)}`);
    }
  }
  assert.ok(settled > 50, `only ${settled} bodies settled`);
});

Deno.test("the quick check settles what the CLI sends", () => {
  const check = (op: keyof typeof WIRE_ENDPOINTS, body: unknown) =>
    quickParse(WIRE_ENDPOINTS[op].request as JsonSchema, body);
  assert.deepEqual(check("start", { names: ["web"], wait: true }), {
    names: ["web"],
    wait: true,
  });
  assert.deepEqual(check("stop", { names: [] }), {
    names: [],
    closing: false,
  });
  assert.deepEqual(check("reload", {}), {});
  assert.deepEqual(
    check("run", { name: "job", command: "sleep", port: 8080 }),
    { name: "job", command: "sleep", args: [], port: 8080 },
  );
  // zod turns a missing or null list into [], which the quick check leaves to it.
  assert.equal(check("start", {}), undefined);
  assert.equal(check("start", { names: null }), undefined);
  assert.equal(check("start", { names: ["web"], extra: 1 }), undefined);
});

Deno.test("the quick check leaves a schema keyword it does not know to zod", () => {
  const schema = { type: "string", pattern: "^a" };
  assert.equal(quickParse(schema, "abc"), undefined);
  assert.equal(quickParse({ type: "string" }, "abc"), "abc");
});

Deno.test("a refinement, which JSON Schema cannot carry, leaves the body to zod", async () => {
  const z = await import("npm:zod@4.6.7/mini");
  const Even = z.strictObject({
    n: z.int().check(z.refine((n) => n % 2 === 0)),
  });
  const text = renderWireRequests({
    odd: { method: "POST", path: "/v1/odd", request: Even, response: Even },
  });
  const schema = JSON.parse(/request: (\{.*\}) \},/.exec(text)![1]!);
  assert.ok(schema.properties.n["x-zod-only"] === true);
  assert.equal(quickParse(schema, { n: 3 }), undefined);
  assert.ok(!Even.safeParse({ n: 3 }).success);
});
