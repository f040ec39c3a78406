import assert from "node:assert/strict";
import { activeDependents } from "../../src/supervisor/cascade.ts";

// web → api → db; cron → db; docs → web (stopped)
const DEPENDENTS = new Map([
  ["db", ["api", "cron"]],
  ["api", ["web"]],
  ["web", ["docs"]],
]);

Deno.test("activeDependents() finds active dependents transitively, each with what brought it in", () => {
  const active = new Set(["db", "api", "web", "cron"]);
  assert.deepEqual(
    activeDependents(new Set(["db"]), {
      dependents: DEPENDENTS,
      isActive: (name) => active.has(name),
    }),
    new Map([["api", "db"], ["cron", "db"], ["web", "api"]]),
  );
});

Deno.test("activeDependents() skips inactive and already selected services", () => {
  const active = new Set(["db", "api", "docs"]);
  assert.deepEqual(
    activeDependents(new Set(["db", "cron"]), {
      dependents: DEPENDENTS,
      isActive: (name) => active.has(name),
    }),
    new Map([["api", "db"]]),
    "web is stopped, so docs behind it is not reached either",
  );
});
