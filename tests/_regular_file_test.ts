import assert from "node:assert/strict";
import { readRegularFile } from "../src/_regular_file.ts";

const LIMIT = { maxBytes: 16 };

async function inTempDir(
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tend-test-regular-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("readRegularFile reads a regular file, also through a link", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.toml`, "x = 1\n");
    await Deno.symlink(`${dir}/a.toml`, `${dir}/link.toml`);
    for (const name of ["a.toml", "link.toml"]) {
      const read = await readRegularFile(`${dir}/${name}`, LIMIT);
      assert.ok("bytes" in read);
      assert.equal(new TextDecoder().decode(read.bytes), "x = 1\n");
    }
  });
});

Deno.test("readRegularFile refuses a FIFO without waiting for a writer", async () => {
  await inTempDir(async (dir) => {
    const fifo = `${dir}/fifo.toml`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.equal(made.code, 0);
    // Nothing ever writes to it: a read would never end.
    assert.deepEqual(await readRegularFile(fifo, LIMIT), {
      refused: "it is a FIFO, not a regular file",
    });
  });
});

Deno.test("readRegularFile refuses a device, which would never end", async () => {
  assert.deepEqual(await readRegularFile("/dev/zero", LIMIT), {
    refused: "it is a character device, not a regular file",
  });
});

Deno.test("readRegularFile refuses a file over the limit, and reads one at it", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/at.toml`, "#".repeat(16));
    const at = await readRegularFile(`${dir}/at.toml`, LIMIT);
    assert.equal("bytes" in at && at.bytes.length, 16);
    await Deno.writeTextFile(`${dir}/over.toml`, "#".repeat(17));
    assert.deepEqual(await readRegularFile(`${dir}/over.toml`, LIMIT), {
      refused: "it is 17 bytes, more than the 16 bytes tend reads",
    });
    assert.deepEqual(
      await readRegularFile(`${dir}/over.toml`, { maxBytes: 0 }),
      { refused: "it is 17 bytes, more than the 0 bytes tend reads" },
    );
  });
});

Deno.test("readRegularFile throws Deno's errors for a directory and a missing file", async () => {
  await inTempDir(async (dir) => {
    await assert.rejects(readRegularFile(dir, LIMIT), Deno.errors.IsADirectory);
    await assert.rejects(
      readRegularFile(`${dir}/missing.toml`, LIMIT),
      Deno.errors.NotFound,
    );
  });
});
