import assert from "node:assert/strict";
import { acquireLock, isLockHeld, openLockFile } from "../../src/fence/lock.ts";
import { makeTempDir, tendError } from "./_helpers.ts";

/** How long the locking child may take to start and say "locked". */
const CHILD_DEADLINE_MS = 20_000;

/** Code for `deno eval`: lock LOCK_PATH, print "locked", then wait to be killed. */
const CHILD_CODE = `
const file = await Deno.open(Deno.env.get("LOCK_PATH"), { read: true, write: true });
await file.lock(true);
console.log("locked");
setInterval(() => {}, 60_000);
`;

/** A child process that holds the lock on `path` until killed. */
async function lockInChild(path: string): Promise<AsyncDisposable> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", CHILD_CODE],
    env: { LOCK_PATH: path, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const dispose = async () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await child.status;
  };
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => reader.cancel(), CHILD_DEADLINE_MS);
  try {
    let text = "";
    while (!text.includes("locked\n")) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(`The child did not lock: ${JSON.stringify(text)}`);
      }
      text += value;
    }
  } catch (error) {
    await dispose();
    throw error;
  } finally {
    clearTimeout(timer);
    await reader.cancel();
  }
  return { [Symbol.asyncDispose]: dispose };
}

Deno.test("acquireLock() creates the lock file with mode 0600 and returns it", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  const file = await acquireLock(path);
  try {
    assert.ok(file !== null);
    const info = await Deno.lstat(path);
    assert.ok(info.isFile);
    assert.equal(info.mode! & 0o777, 0o600);
  } finally {
    file?.close();
  }
});

Deno.test("acquireLock() returns null while another open file holds the lock", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  const first = await acquireLock(path);
  assert.ok(first !== null);
  try {
    assert.equal(await acquireLock(path), null);
  } finally {
    first.close();
  }
  const again = await acquireLock(path);
  assert.ok(again !== null, "the lock is free once the first file is closed");
  again.close();
});

Deno.test("acquireLock() waits up to waitMs for the holder to let go", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  const first = await acquireLock(path);
  assert.ok(first !== null);
  const timer = setTimeout(() => first.close(), 100);
  const second = await acquireLock(path, { waitMs: 10_000 });
  clearTimeout(timer);
  assert.ok(second !== null);
  second.close();
});

Deno.test("acquireLock() gives up after waitMs", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  const first = await acquireLock(path);
  assert.ok(first !== null);
  try {
    const start = performance.now();
    assert.equal(await acquireLock(path, { waitMs: 100 }), null);
    assert.ok(performance.now() - start >= 90);
  } finally {
    first.close();
  }
});

Deno.test("isLockHeld() tells whether some open file holds the lock", async (t) => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  await t.step("false when the file is absent", async () => {
    assert.ok(!await isLockHeld(path));
  });
  const file = await acquireLock(path);
  assert.ok(file !== null);
  await t.step("true while held", async () => {
    assert.ok(await isLockHeld(path));
  });
  file.close();
  await t.step("false once released", async () => {
    assert.ok(!await isLockHeld(path));
  });
  await t.step("the probe does not keep the lock", async () => {
    const again = await acquireLock(path);
    assert.ok(again !== null);
    again.close();
  });
});

Deno.test("acquireLock() returns null while a child process holds the lock", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  (await openLockFile(path)).close();
  {
    await using _child = await lockInChild(path);
    assert.equal(await acquireLock(path), null);
    assert.ok(await isLockHeld(path));
  }
  const file = await acquireLock(path);
  assert.ok(file !== null, "the lock is free once the child is killed");
  file.close();
  assert.ok(!await isLockHeld(path));
});

Deno.test("openLockFile() opens an existing lock file", async () => {
  await using dir = await makeTempDir();
  const path = dir.join("tend.lock");
  await Deno.writeTextFile(path, "");
  const file = await openLockFile(path);
  file.close();
});

Deno.test("openLockFile() refuses a symlink", async (t) => {
  await using dir = await makeTempDir();
  const target = dir.join("target");
  await Deno.writeTextFile(target, "keep");
  await t.step("to a file", async () => {
    const path = dir.join("to_file.lock");
    await Deno.symlink(target, path);
    await assert.rejects(openLockFile(path), tendError("PERMISSION_DENIED"));
    await assert.rejects(acquireLock(path), tendError("PERMISSION_DENIED"));
  });
  await t.step("dangling", async () => {
    const path = dir.join("dangling.lock");
    await Deno.symlink(dir.join("nowhere"), path);
    await assert.rejects(openLockFile(path), tendError("PERMISSION_DENIED"));
    await assert.rejects(Deno.lstat(dir.join("nowhere")), Deno.errors.NotFound);
  });
  assert.equal(await Deno.readTextFile(target), "keep");
});

Deno.test("openLockFile() refuses a directory", async () => {
  await using dir = await makeTempDir();
  await assert.rejects(openLockFile(dir.path), tendError("FILE_IN_THE_WAY"));
});
