import assert from "node:assert/strict";
import { readBacklog } from "../../src/logs/backlog.ts";
import { LogFollower } from "../../src/logs/follower.ts";
import { backupPath, rotateLog } from "../../src/logs/rotate_log.ts";
import { makeTempDir } from "../fence/_helpers.ts";

/** Appends `text` to `file` (created when absent), as a service does. */
async function append(file: string, text: string): Promise<void> {
  await Deno.writeTextFile(file, text, { append: true });
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
const text = (from: number, to: number) =>
  numbered(from, to).map((line) => `${line}\n`).join("");

Deno.test("LogFollower waits for the file, then reads new lines and holds an unfinished one", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const follower = new LogFollower(file);
  assert.deepEqual(await follower.poll(), []);
  await append(file, "one\ntw");
  assert.deepEqual(await follower.poll(), ["one"]);
  assert.deepEqual(await follower.poll(), []);
  await append(file, "o\nthree\n");
  assert.deepEqual(await follower.poll(), ["two", "three"]);
});

Deno.test("LogFollower continues from a backlog without a gap or a repeat", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  await append(file, text(1, 5) + "line 6 sta");
  const backlog = await readBacklog(file, { lines: 2 });
  assert.deepEqual(backlog.lines, ["line 4", "line 5"]);
  const follower = new LogFollower(file, backlog.position);
  await append(file, "rts\n" + text(7, 8));
  assert.deepEqual(await follower.poll(), [
    "line 6 starts",
    "line 7",
    "line 8",
  ]);
});

Deno.test("LogFollower follows a copy-and-truncate rotation, reading unread bytes from .1", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const follower = new LogFollower(file);
  await append(file, text(1, 3));
  assert.deepEqual(await follower.poll(), numbered(1, 3));
  await append(file, text(4, 6) + "line 7 is ");
  await rotateLog(file, { backups: 3 });
  await append(file, "cut\n" + text(8, 9));
  assert.deepEqual(await follower.poll(), [
    ...numbered(4, 6),
    "line 7 is cut",
    ...numbered(8, 9),
  ]);
  assert.deepEqual(await follower.poll(), []);
});

Deno.test("LogFollower catches up across several rotations between two polls", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const follower = new LogFollower(file);
  await append(file, text(1, 2));
  assert.deepEqual(await follower.poll(), numbered(1, 2));
  await append(file, text(3, 4));
  await rotateLog(file, { backups: 3 });
  await append(file, text(5, 6));
  await rotateLog(file, { backups: 3 });
  await append(file, text(7, 8));
  await rotateLog(file, { backups: 3 });
  await append(file, text(9, 9));
  assert.deepEqual(await follower.poll(), numbered(3, 9));
});

Deno.test("LogFollower notices a log truncated and grown past its position again", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const follower = new LogFollower(file);
  await append(file, text(1, 2));
  assert.deepEqual(await follower.poll(), numbered(1, 2));
  await append(file, text(3, 3));
  await rotateLog(file, { backups: 2 });
  await append(file, text(4, 20));
  assert.deepEqual(await follower.poll(), numbered(3, 20));
});

Deno.test("LogFollower follows a rename rotation by inode", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  const follower = new LogFollower(file);
  await append(file, text(1, 2));
  assert.deepEqual(await follower.poll(), numbered(1, 2));
  await append(file, text(3, 4));
  await Deno.rename(file, backupPath(file, 1));
  assert.deepEqual(await follower.poll(), numbered(3, 4), "the file vanished");
  await append(file, text(5, 6));
  assert.deepEqual(await follower.poll(), numbered(5, 6));
  await append(file, text(7, 7));
  await Deno.rename(file, backupPath(file, 1));
  await append(file, text(8, 8));
  assert.deepEqual(
    await follower.poll(),
    numbered(7, 8),
    "replaced between polls",
  );
});

Deno.test("LogFollower starts over after a truncate without a rotated copy", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  await append(file, "old\nunfinished");
  const follower = new LogFollower(file);
  assert.deepEqual(await follower.poll(), ["old"]);
  await Deno.writeTextFile(file, "new\n");
  assert.deepEqual(await follower.poll(), ["unfinished", "new"]);
});

Deno.test("LogFollower ignores an older .1 after a plain truncate", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  await Deno.writeTextFile(
    backupPath(file, 1),
    "an older rotation\n".repeat(10),
  );
  await append(file, text(1, 3));
  const follower = new LogFollower(file);
  assert.deepEqual(await follower.poll(), numbered(1, 3));
  await Deno.truncate(file, 0);
  await append(file, text(4, 4));
  assert.deepEqual(await follower.poll(), numbered(4, 4));
});
