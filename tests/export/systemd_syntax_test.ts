import assert from "node:assert/strict";
import {
  environmentValue,
  execArg,
  pathValue,
} from "../../src/export/systemd_syntax.ts";
import { TendError } from "../../src/errors.ts";

Deno.test("execArg() escapes specifiers, variables and spaces", async (t) => {
  const cases: [string, string][] = [
    ["/usr/bin/python3", "/usr/bin/python3"],
    ["--port=8080", "--port=8080"],
    ["a b", '"a b"'],
    ["", '""'],
    ["50%", '"50%%"'],
    ["$HOME", '"$$HOME"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["it's", `"it's"`],
    [";", '";"'],
  ];
  for (const [arg, expected] of cases) {
    await t.step(JSON.stringify(arg), () => {
      assert.equal(execArg(arg), expected);
    });
  }
});

Deno.test("environmentValue() quotes the whole assignment", () => {
  assert.equal(
    environmentValue("A", 'x "y" 5% $Z'),
    '"A=x \\"y\\" 5%% $Z"',
  );
});

Deno.test("pathValue() and execArg() refuse what a unit cannot hold", async (t) => {
  const cases: [string, () => unknown, RegExp][] = [
    ["a relative path", () => pathValue("logs/x.log"), /not absolute/],
    ["a newline in a path", () => pathValue("/a\nb"), /spans several lines/],
    ["a newline in an argument", () => execArg("a\nb"), /spans several/],
  ];
  for (const [label, fn, message] of cases) {
    await t.step(label, () => {
      assert.throws(fn, (error) => {
        assert.ok(error instanceof TendError);
        assert.equal(error.code, "CONFIG_INVALID");
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
