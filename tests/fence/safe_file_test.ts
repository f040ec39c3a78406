import assert from "node:assert/strict";
import {
  createExclusive,
  ensurePrivateDir,
  readOwnFile,
  removeIfPresent,
  statOwnFile,
  writeAtomic,
} from "../../src/fence/safe_file.ts";
import { makeTempDir, tendError } from "./_helpers.ts";

async function names(dir: string): Promise<string[]> {
  const out = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  return out.sort();
}

Deno.test("writeAtomic() creates and replaces a file with mode 0600", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("state.json");
  await writeAtomic(path, "one");
  await writeAtomic(path, "two");
  assert.equal(await Deno.readTextFile(path), "two");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.deepEqual(await names(dir.path), ["state.json"]);
});

Deno.test("writeAtomic() honours an explicit mode", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("public.txt");
  await writeAtomic(path, "x", { mode: 0o644 });
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o644);
});

Deno.test("writeAtomic() replaces a symlink instead of following it", async () => {
  await using dir = await makeTempDir();
  const target = dir.join("victim.txt");
  await Deno.writeTextFile(target, "precious");
  const path = dir.join("state.json");
  await Deno.symlink(target, path);
  await writeAtomic(path, "new");
  assert.equal(await Deno.readTextFile(target), "precious");
  const info = await Deno.lstat(path);
  assert.ok(info.isFile && !info.isSymlink);
  assert.equal(await Deno.readTextFile(path), "new");
});

Deno.test("writeAtomic() throws PERMISSION_DENIED when the directory is missing", async () => {
  await using dir = await makeTempDir();
  await assert.rejects(
    writeAtomic(dir.join("missing/state.json"), "x"),
    tendError("PERMISSION_DENIED"),
  );
});

Deno.test("createExclusive() creates a file with its content when absent", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.pid");
  assert.ok(await createExclusive(path, "42\n"));
  assert.equal(await Deno.readTextFile(path), "42\n");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.deepEqual(await names(dir.path), ["tend.pid"]);
});

Deno.test("createExclusive() returns false when the path exists", async (t) => {
  await using dir = await makeTempDir();
  const target = dir.join("target.txt");
  await Deno.writeTextFile(target, "old");
  const cases: [string, (path: string) => Promise<void>][] = [
    ["a regular file", (p) => Deno.writeTextFile(p, "old")],
    ["a dangling symlink", (p) => Deno.symlink(dir.join("nowhere"), p)],
    ["a symlink to a file", (p) => Deno.symlink(target, p)],
    ["a directory", (p) => Deno.mkdir(p)],
  ];
  for (const [label, make] of cases) {
    await t.step(label, async () => {
      const path = dir.join(label.replaceAll(" ", "_"));
      await make(path);
      assert.ok(!await createExclusive(path, "new"));
    });
  }
  assert.equal(await Deno.readTextFile(target), "old");
  await assert.rejects(Deno.lstat(dir.join("nowhere")), Deno.errors.NotFound);
  const leftovers = (await names(dir.path)).filter((n) => n.endsWith(".tmp"));
  assert.deepEqual(leftovers, [], "no temp file is left behind");
});

Deno.test("ensurePrivateDir() creates a directory and its parents with mode 0700", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("a/.tend/run");
  await ensurePrivateDir(path);
  const info = await Deno.lstat(path);
  assert.ok(info.isDirectory);
  assert.equal(info.mode! & 0o777, 0o700);
});

Deno.test("ensurePrivateDir() fixes a 0755 directory to 0700", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("run");
  await Deno.mkdir(path);
  await Deno.chmod(path, 0o755);
  await ensurePrivateDir(path);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o700);
});

Deno.test("ensurePrivateDir() accepts an existing 0700 directory", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("run");
  await Deno.mkdir(path, { mode: 0o700 });
  await Deno.writeTextFile(`${path}/keep`, "x");
  await ensurePrivateDir(path);
  assert.equal(await Deno.readTextFile(`${path}/keep`), "x");
});

Deno.test("ensurePrivateDir() refuses a symlink to a directory", async () => {
  await using dir = await makeTempDir();
  const real = dir.join("elsewhere");
  await Deno.mkdir(real);
  await Deno.chmod(real, 0o755);
  const path = dir.join("run");
  await Deno.symlink(real, path);
  await assert.rejects(ensurePrivateDir(path), tendError("PERMISSION_DENIED"));
  assert.equal(
    (await Deno.stat(real)).mode! & 0o777,
    0o755,
    "target untouched",
  );
});

Deno.test("ensurePrivateDir() refuses a path that is not a directory", async (t) => {
  await using dir = await makeTempDir();
  await t.step("a regular file", async () => {
    const path = dir.join("file");
    await Deno.writeTextFile(path, "x");
    await assert.rejects(
      ensurePrivateDir(path),
      tendError("FILE_IN_THE_WAY"),
    );
  });
  await t.step("a dangling symlink", async () => {
    const path = dir.join("dangling");
    await Deno.symlink(dir.join("nowhere"), path);
    await assert.rejects(
      ensurePrivateDir(path),
      tendError("PERMISSION_DENIED"),
    );
  });
});

Deno.test("statOwnFile() returns null when absent and info for a regular file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("f");
  assert.equal(await statOwnFile(path), null);
  await Deno.writeTextFile(path, "abc");
  assert.equal((await statOwnFile(path))?.size, 3);
});

Deno.test("statOwnFile() refuses a symlink and a directory", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("link");
  await Deno.symlink(dir.path, path);
  await assert.rejects(statOwnFile(path), tendError("PERMISSION_DENIED"));
  await assert.rejects(statOwnFile(dir.path), tendError("FILE_IN_THE_WAY"));
});

Deno.test("readOwnFile() reads small files and refuses large ones", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("f");
  assert.equal(await readOwnFile(path, { maxBytes: 10 }), null);
  await Deno.writeTextFile(path, "0123456789");
  assert.equal(await readOwnFile(path, { maxBytes: 10 }), "0123456789");
  await assert.rejects(
    readOwnFile(path, { maxBytes: 9 }),
    tendError("PID_FILE_CORRUPTED"),
  );
});

Deno.test("removeIfPresent() removes a symlink, not its target, and ignores absence", async () => {
  await using dir = await makeTempDir();
  const target = dir.join("target");
  await Deno.writeTextFile(target, "keep");
  const link = dir.join("link");
  await Deno.symlink(target, link);
  await removeIfPresent(link);
  await removeIfPresent(link);
  assert.deepEqual(await names(dir.path), ["target"]);
  assert.equal(await Deno.readTextFile(target), "keep");
});

Deno.test("removeIfPresent() names a non-empty directory in a file's place FILE_IN_THE_WAY, not a corrupt file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.sock");
  await Deno.mkdir(path);
  await Deno.writeTextFile(`${path}/inside`, "x");
  await assert.rejects(removeIfPresent(path), tendError("FILE_IN_THE_WAY"));
  assert.deepEqual(await names(path), ["inside"], "the directory is kept");
});
