import assert from "node:assert/strict";
import {
  flockHoldersElsewhere,
  lockHolders,
  parseProcLocks,
} from "../../src/fence/lock_holders.ts";

/** `FsFile.lock(exclusive)`: an exclusive lock, as tend's own. */
const EXCLUSIVE = true;

const LOCKS = `1: POSIX  ADVISORY  READ 752 fe:00:16039947 128 128
2: FLOCK  ADVISORY  WRITE 814 fe:00:2147183 0 EOF
2: -> FLOCK  ADVISORY  WRITE 900 fe:00:2147183 0 EOF
3: FLOCK  ADVISORY  WRITE 815 fe:01:2147183 0 EOF
4: OFDLCK ADVISORY  READ  -1 00:2e:77 0 EOF
5: FLOCK  ADVISORY  READ  816 103:02:2147183 0 EOF
`;

Deno.test("parseProcLocks() finds holders of one device and inode, not waiters", () => {
  assert.deepEqual(parseProcLocks(LOCKS, { dev: 0xfe00, ino: 2147183 }), [
    814,
  ]);
  assert.deepEqual(parseProcLocks(LOCKS, { dev: 0xfe01, ino: 2147183 }), [
    815,
  ]);
  // Major 0x103 is split between the two halves of dev_t.
  assert.deepEqual(parseProcLocks(LOCKS, { dev: 0x10302, ino: 2147183 }), [
    816,
  ]);
  assert.deepEqual(parseProcLocks(LOCKS, { dev: 0x2e, ino: 77 }), []);
  assert.deepEqual(parseProcLocks("garbage\n\n", { dev: 1, ino: 1 }), []);
});

Deno.test("flockHoldersElsewhere() finds flock holders of every other file, not waiters or POSIX locks", () => {
  // 814 holds the listed file; 815 and 816 hold others of the same inode
  // number on other devices; 752 holds a POSIX lock; 900 only waits.
  assert.deepEqual(
    flockHoldersElsewhere(LOCKS, [{ dev: 0xfe00, ino: 2147183 }]),
    [815, 816],
  );
  assert.deepEqual(
    flockHoldersElsewhere(LOCKS, [
      { dev: 0xfe00, ino: 2147183 },
      { dev: 0xfe01, ino: 2147183 },
      { dev: 0x10302, ino: 2147183 },
    ]),
    [],
  );
  assert.deepEqual(flockHoldersElsewhere(LOCKS, []), [814, 815, 816]);
  assert.deepEqual(flockHoldersElsewhere("garbage\n", []), []);
});

Deno.test({
  name: "lockHolders() names this process while it holds a flock",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tend_lock_holders_" });
    const path = `${dir}/supervisor.lock`;
    try {
      using file = await Deno.open(path, { write: true, create: true });
      const ino = (await file.stat()).ino;
      const lines = async () =>
        (await Deno.readTextFile("/proc/locks")).split("\n")
          .filter((line) => line.includes(`:${ino} `)).join("\n");
      const before = await lockHolders(path);
      assert.ok(!before?.includes(Deno.pid), await lines());
      await file.lock(EXCLUSIVE);
      assert.ok((await lockHolders(path))?.includes(Deno.pid), await lines());
      await file.unlock();
      assert.equal(await lockHolders(`${dir}/absent`), null);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
