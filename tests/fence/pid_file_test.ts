import assert from "node:assert/strict";
import {
  markSpawning,
  parsePid,
  readPidFile,
  replacePidFile,
} from "../../src/fence/pid_file.ts";
import { makeTempDir, tendError } from "./_helpers.ts";

Deno.test("parsePid() accepts one positive integer and nothing else", async (t) => {
  const cases: [string, number | null][] = [
    [" 42\n", 42],
    ["42", 42],
    ["1", 1],
    ["\t7 \n", 7],
    ["2147483647", 2_147_483_647],
    ["2147483648", null],
    ["0", null],
    ["-1", null],
    ["+1", null],
    ["abc", null],
    ["1e3", null],
    ["0x10", null],
    ["042", null],
    ["4.2", null],
    ["42 43", null],
    ["4\n2", null],
    ["99999999999", null],
    ["", null],
    ["   \n", null],
  ];
  for (const [text, expected] of cases) {
    await t.step(`${JSON.stringify(text)} → ${expected}`, () => {
      assert.equal(parsePid(text), expected);
    });
  }
});

Deno.test("readPidFile() returns the PID of a valid file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  await Deno.writeTextFile(path, "4242\n");
  assert.equal(await readPidFile(path), 4242);
});

Deno.test("readPidFile() returns null when the file is absent or empty", async (t) => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  await t.step("absent", async () => {
    assert.equal(await readPidFile(path), null);
  });
  await t.step("empty", async () => {
    await Deno.writeTextFile(path, "");
    assert.equal(await readPidFile(path), null);
  });
  await t.step("only whitespace", async () => {
    await Deno.writeTextFile(path, " \n");
    assert.equal(await readPidFile(path), null);
  });
});

Deno.test("readPidFile() throws PID_FILE_CORRUPTED on garbage", async (t) => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  for (const text of ["abc", "-1\n", "0\n", "12 34\n", "99999999999\n"]) {
    await t.step(JSON.stringify(text), async () => {
      await Deno.writeTextFile(path, text);
      await assert.rejects(readPidFile(path), tendError("PID_FILE_CORRUPTED"));
    });
  }
});

Deno.test("readPidFile() throws PID_FILE_CORRUPTED on a 1 MB file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  await Deno.writeTextFile(path, `42\n${" ".repeat(1024 * 1024)}`);
  await assert.rejects(readPidFile(path), tendError("PID_FILE_CORRUPTED"));
});

Deno.test("readPidFile() throws PERMISSION_DENIED on a symlink", async (t) => {
  await using dir = await makeTempDir();
  const target = dir.join("real.pid");
  await Deno.writeTextFile(target, "42\n");
  await t.step("to a valid PID file", async () => {
    const path = dir.join("link.pid");
    await Deno.symlink(target, path);
    await assert.rejects(readPidFile(path), tendError("PERMISSION_DENIED"));
  });
  await t.step("dangling", async () => {
    const path = dir.join("dangling.pid");
    await Deno.symlink(dir.join("nowhere"), path);
    await assert.rejects(readPidFile(path), tendError("PERMISSION_DENIED"));
  });
});

Deno.test("replacePidFile() writes a new file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  await replacePidFile(path, 123);
  assert.equal(await Deno.readTextFile(path), "123\n");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal(await readPidFile(path), 123);
});

Deno.test("replacePidFile() replaces a stale file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  await Deno.writeTextFile(path, "999\n");
  await replacePidFile(path, 321);
  assert.equal(await Deno.readTextFile(path), "321\n");
  const entries = [];
  for await (const entry of Deno.readDir(dir.path)) entries.push(entry.name);
  assert.deepEqual(entries, ["tend.pid"], "no temp file is left behind");
});

Deno.test("replacePidFile() never leaves the path without a file, not even for a moment", async () => {
  // A supervisor killed while the path was missing left a live service
  // without a PID file, and the next one started a second copy.
  await using dir = await makeTempDir();
  const path = dir.join("web.pid");
  await markSpawning(path);
  let missing = 0;
  let done = false;
  const watcher = (async () => {
    while (!done) {
      if (!await Deno.lstat(path).then(() => true, () => false)) missing++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  })();
  for (let pid = 1000; pid < 1050; pid++) await replacePidFile(path, pid);
  done = true;
  await watcher;
  assert.equal(missing, 0, `the path was missing ${missing} times`);
  assert.equal(await readPidFile(path), 1049);
});

Deno.test("replacePidFile() replaces a symlink without writing through it", async () => {
  await using dir = await makeTempDir();
  const target = dir.join("victim.txt");
  await Deno.writeTextFile(target, "precious\n");
  const path = dir.join("tend.pid");
  await Deno.symlink(target, path);
  await replacePidFile(path, 77);
  assert.equal(await Deno.readTextFile(target), "precious\n");
  const info = await Deno.lstat(path);
  assert.ok(info.isFile && !info.isSymlink);
  assert.equal(await Deno.readTextFile(path), "77\n");
});

Deno.test("markSpawning() replaces a PID file, or a symlink, with an empty private file read as no PID", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("web.pid");
  const target = dir.join("target");
  await Deno.writeTextFile(target, "keep\n");
  await Deno.writeTextFile(path, "999\n");
  await markSpawning(path);
  assert.equal(await Deno.readTextFile(path), "");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal(await readPidFile(path), null);
  await Deno.remove(path);
  await Deno.symlink(target, path);
  await markSpawning(path);
  assert.ok((await Deno.lstat(path)).isFile);
  assert.equal(await Deno.readTextFile(target), "keep\n", "link not followed");
  const entries = [];
  for await (const entry of Deno.readDir(dir.path)) entries.push(entry.name);
  assert.deepEqual(entries.sort(), ["target", "web.pid"]);
});

Deno.test("markSpawning() refuses a directory with files in the way with FILE_IN_THE_WAY", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("web.pid");
  await Deno.mkdir(path);
  await Deno.writeTextFile(`${path}/x`, ""); // not empty: no rmdir
  await assert.rejects(markSpawning(path), tendError("FILE_IN_THE_WAY"));
});
