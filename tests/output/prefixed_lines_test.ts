import assert from "node:assert/strict";
import { LinePrefixer } from "../../src/output/prefixed_lines.ts";

Deno.test("LinePrefixer pads names to one column and marks tend's own lines", () => {
  const prefix = new LinePrefixer(["web", "database"], { color: false });
  assert.equal(prefix.service("web", "up"), "web      | up");
  assert.equal(prefix.service("database", "ok"), "database | ok");
  assert.equal(prefix.tend("INFO x"), "tend     | INFO x");
});

Deno.test("LinePrefixer gives each service its own colour on a terminal", () => {
  const prefix = new LinePrefixer(["a", "b"], { color: true });
  assert.equal(prefix.service("a", "x"), "\x1b[36ma   \x1b[0m | x");
  assert.equal(prefix.service("b", "x"), "\x1b[33mb   \x1b[0m | x");
  assert.equal(prefix.tend("y"), "\x1b[1mtend\x1b[0m | y");
});
