import assert from "node:assert/strict";
import {
  followParam,
  linesParam,
  startBody,
  stopBody,
} from "../../src/web/_body.ts";
import { TendError } from "../../src/errors.ts";

function usage(fn: () => unknown): void {
  assert.throws(
    fn,
    (error: unknown) => error instanceof TendError && error.code === "USAGE",
  );
}

Deno.test("startBody() reads names and wait, with defaults", () => {
  assert.deepEqual(startBody(""), { names: [], wait: true });
  assert.deepEqual(startBody('{"names":["a"],"wait":false}'), {
    names: ["a"],
    wait: false,
  });
  usage(() => startBody('{"wait":1}'));
  usage(() => startBody('{"names":["a"],"other":true}'));
});

Deno.test("stopBody() refuses anything but a list of names", () => {
  assert.deepEqual(stopBody("{}"), { names: [], closing: false });
  for (
    const bad of ["x", "null", "[]", '{"names":[""]}', '{"names":{}}', "1"]
  ) usage(() => stopBody(bad));
  usage(() => stopBody(JSON.stringify({ names: Array(1001).fill("a") })));
});

Deno.test("linesParam() and followParam() read the query of logs", () => {
  assert.equal(linesParam(undefined), 100);
  assert.equal(linesParam("0"), 0);
  assert.equal(linesParam("250"), 250);
  usage(() => linesParam("-1"));
  usage(() => linesParam("1e3"));
  usage(() => linesParam("10001"));
  assert.ok(!followParam(undefined));
  assert.ok(followParam("true"));
  usage(() => followParam("maybe"));
});
