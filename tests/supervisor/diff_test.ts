import assert from "node:assert/strict";
import type { ServiceConfig } from "../../src/config/schema.ts";
import { diffServices } from "../../src/supervisor/diff.ts";

/** A service with only the fields `diffServices` reads. */
function service(name: string, fingerprint: string): ServiceConfig {
  return { name, fingerprint } as unknown as ServiceConfig;
}

Deno.test("diffServices() sorts services into added, removed, changed and unchanged", () => {
  const before = [
    service("web", "a"),
    service("db", "b"),
    service("worker", "c"),
  ];
  const after = [
    service("web", "a"),
    service("db", "B"),
    service("cache", "d"),
  ];
  assert.deepEqual(diffServices(before, after), {
    added: ["cache"],
    removed: ["worker"],
    changed: ["db"],
    unchanged: ["web"],
  });
});

Deno.test("diffServices() handles empty lists", async (t) => {
  const cases: [string, ServiceConfig[], ServiceConfig[], object][] = [
    ["both empty", [], [], {
      added: [],
      removed: [],
      changed: [],
      unchanged: [],
    }],
    ["all new", [], [service("a", "1"), service("b", "2")], {
      added: ["a", "b"],
      removed: [],
      changed: [],
      unchanged: [],
    }],
    ["all gone", [service("a", "1"), service("b", "2")], [], {
      added: [],
      removed: ["a", "b"],
      changed: [],
      unchanged: [],
    }],
  ];
  for (const [label, before, after, expected] of cases) {
    await t.step(label, () => {
      assert.deepEqual(diffServices(before, after), expected);
    });
  }
});

Deno.test("diffServices() keeps the order of the new list and then the old one", () => {
  const before = [service("z", "1"), service("y", "1"), service("x", "1")];
  const after = [service("c", "1"), service("x", "2"), service("a", "1")];
  assert.deepEqual(diffServices(before, after), {
    added: ["c", "a"],
    removed: ["z", "y"],
    changed: ["x"],
    unchanged: [],
  });
});

Deno.test("diffServices() matches by name, not by position or fingerprint", () => {
  const before = [service("web", "same"), service("api", "other")];
  const after = [service("api", "other"), service("site", "same")];
  assert.deepEqual(diffServices(before, after), {
    added: ["site"],
    removed: ["web"],
    changed: [],
    unchanged: ["api"],
  });
});
