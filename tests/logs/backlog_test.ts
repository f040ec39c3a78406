import assert from "node:assert/strict";
import { readBacklog } from "../../src/logs/backlog.ts";
import { backupPath } from "../../src/logs/rotate_log.ts";
import { makeTempDir } from "../fence/_helpers.ts";

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

Deno.test("readBacklog() of a missing file is empty and follows from its start", async () => {
  await using dir = await makeTempDir();
  const backlog = await readBacklog(dir.join("absent.log"), { lines: 10 });
  assert.deepEqual(backlog.lines, []);
  assert.equal(backlog.partial, "");
  assert.equal(backlog.position.ino, null);
  assert.equal(backlog.position.offset, 0);
});

Deno.test("readBacklog() returns the last lines and the position after them", async (t) => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const text = numbered(1, 10).join("\n") + "\n";
  await Deno.writeTextFile(file, text);
  const info = await Deno.stat(file);
  for (
    const [lines, expected] of [[3, numbered(8, 10)], [10, numbered(1, 10)], [
      50,
      numbered(1, 10),
    ], [0, []]] as const
  ) {
    await t.step(`${lines} lines`, async () => {
      const backlog = await readBacklog(file, { lines });
      assert.deepEqual(backlog.lines, expected);
      assert.equal(backlog.partial, "");
      assert.equal(backlog.position.offset, text.length);
      assert.equal(backlog.position.ino, info.ino);
      assert.equal(
        new TextDecoder().decode(backlog.position.anchor),
        text.slice(-64),
      );
    });
  }
});

Deno.test("readBacklog() continues into .1 when the log holds fewer lines, as one stream", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  await Deno.writeTextFile(
    backupPath(file, 1),
    numbered(1, 5).join("\n") + "\nline 6 sta",
  );
  await Deno.writeTextFile(file, "rts here\nline 7\n");
  await Deno.writeTextFile(backupPath(file, 2), "never read\n");
  assert.deepEqual((await readBacklog(file, { lines: 4 })).lines, [
    "line 4",
    "line 5",
    "line 6 starts here",
    "line 7",
  ]);
  assert.deepEqual((await readBacklog(file, { lines: 2 })).lines, [
    "line 6 starts here",
    "line 7",
  ]);
  assert.deepEqual((await readBacklog(file, { lines: 100 })).lines.length, 7);
});

Deno.test("readBacklog() reports an unfinished last line apart", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  await Deno.writeTextFile(file, "one\ntwo\nthr");
  const backlog = await readBacklog(file, { lines: 1 });
  assert.deepEqual(backlog.lines, ["two"]);
  assert.equal(backlog.partial, "thr");
  assert.deepEqual(backlog.position.pending, new TextEncoder().encode("thr"));
  assert.equal(backlog.position.offset, 11);
});

Deno.test("readBacklog() reads across 64 KiB steps of a large log", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const lines = numbered(1, 30_000);
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  const backlog = await readBacklog(file, { lines: 20_000 });
  assert.deepEqual(backlog.lines, lines.slice(-20_000));
});
