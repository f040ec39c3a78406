import assert from "node:assert/strict";
import { lastLines, tailLines } from "../../src/logs/tail.ts";
import { makeTempDir } from "../fence/_helpers.ts";

Deno.test("lastLines() returns the last lines without a trailing newline", async (t) => {
  const cases: [string, number, string][] = [
    ["a\nb\nc\n", 2, "b\nc"],
    ["a\nb\nc", 2, "b\nc"],
    ["a\nb\nc\n", 3, "a\nb\nc"],
    ["a\nb\nc\n", 10, "a\nb\nc"],
    ["a\nb\nc\n", 1, "c"],
    ["a\nb\nc\n", 0, ""],
    ["a\nb\nc\n", -1, ""],
    ["", 5, ""],
    ["only\n", 5, "only"],
    ["a\n\nb\n", 2, "\nb"],
    ["a\nb\n\n", 1, ""],
  ];
  for (const [text, count, expected] of cases) {
    await t.step(`${JSON.stringify(text)} × ${count}`, () => {
      assert.equal(lastLines(text, count), expected);
    });
  }
});

Deno.test("tailLines() reads the last lines of a file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("web.log");
  await Deno.writeTextFile(path, "one\ntwo\nthree\nfour\n");
  assert.equal(await tailLines(path, { lines: 2 }), "three\nfour");
  assert.equal(await tailLines(path, { lines: 100 }), "one\ntwo\nthree\nfour");
  assert.equal(await tailLines(path, { lines: 0 }), "");
});

Deno.test("tailLines() returns an empty string when the file is missing", async () => {
  await using dir = await makeTempDir();
  assert.equal(await tailLines(dir.join("absent.log"), { lines: 5 }), "");
});

Deno.test("tailLines() reads nothing before from", async (t) => {
  await using dir = await makeTempDir();
  const path = dir.join("web.log");
  const before = "old 1\nold 2\n";
  await Deno.writeTextFile(path, `${before}new 1\nnew 2\n`);
  const cases: [number, number, string][] = [
    [0, 10, "old 1\nold 2\nnew 1\nnew 2"],
    [before.length, 10, "new 1\nnew 2"],
    [before.length, 1, "new 2"],
    [before.length + "new 1\n".length, 10, "new 2"],
  ];
  for (const [from, lines, expected] of cases) {
    await t.step(`from ${from}, ${lines} lines`, async () => {
      assert.equal(await tailLines(path, { lines, from }), expected);
    });
  }
  await t.step("from the end → empty", async () => {
    const size = (await Deno.stat(path)).size;
    assert.equal(await tailLines(path, { lines: 10, from: size }), "");
  });
  await t.step("from past the end (file truncated) → empty", async () => {
    const size = (await Deno.stat(path)).size;
    assert.equal(await tailLines(path, { lines: 10, from: size + 100 }), "");
  });
});

Deno.test("tailLines() reads only the last 64 KiB of a large file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("big.log");
  const line = `${"x".repeat(99)}\n`;
  await Deno.writeTextFile(path, `FIRST\n${line.repeat(2_000)}LAST\n`);
  const text = await tailLines(path, { lines: 100_000 });
  assert.ok(!text.includes("FIRST"));
  assert.ok(text.endsWith("\nLAST"));
  assert.ok(text.length <= 64 * 1024);
});
