import assert from "node:assert/strict";
import { messageOf, TendError } from "../src/errors.ts";

Deno.test("messageOf gives an Error's message", () => {
  assert.equal(messageOf(new Error("gone")), "gone");
  assert.equal(messageOf(new TendError("USAGE", "bad flag")), "bad flag");
});

Deno.test("messageOf turns anything else into a string", () => {
  assert.equal(messageOf("text"), "text");
  assert.equal(messageOf(42), "42");
  assert.equal(messageOf(undefined), "undefined");
  assert.equal(messageOf(null), "null");
});
