import assert from "node:assert/strict";
import { OnceBy } from "../src/_once.ts";

Deno.test("OnceBy reports a message once per key until it changes", () => {
  const once = new OnceBy();
  assert.ok(once.first("a.log", "disk full"));
  assert.ok(!once.first("a.log", "disk full"));
  assert.ok(once.first("b.log", "disk full"));
  assert.ok(once.first("a.log", "permission denied"));
  assert.ok(once.first("a.log", "disk full"));
});

Deno.test("OnceBy reports again after reset", () => {
  const once = new OnceBy();
  assert.ok(once.first("a.log", "disk full"));
  once.reset("a.log");
  assert.ok(once.first("a.log", "disk full"));
  assert.ok(!once.first("a.log", "disk full"));
});

Deno.test("OnceBy reports an empty message the first time", () => {
  const once = new OnceBy();
  assert.ok(once.first("", ""));
  assert.ok(!once.first("", ""));
});
