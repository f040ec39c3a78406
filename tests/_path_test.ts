import assert from "node:assert/strict";
import * as posix from "node:path/posix";
import {
  basename,
  dirname,
  extname,
  join,
  normalize,
  resolve,
} from "../src/_path.ts";

const PATHS = [
  "/",
  "/a",
  "/a/",
  "/a/b",
  "a",
  "a/b/",
  ".",
  "..",
  "/a/../b",
  "a/./b//c",
  "../x",
  "/..",
  "a/..",
  "/a/b.toml",
  ".hidden",
  "x.tar.gz",
  "",
];

Deno.test("_path helpers agree with node:path/posix", async (t) => {
  for (const path of PATHS) {
    await t.step(JSON.stringify(path), () => {
      if (path !== "") {
        assert.equal(dirname(path), posix.dirname(path), "dirname");
        assert.equal(basename(path), posix.basename(path), "basename");
        assert.equal(
          normalize(path),
          posix.normalize(path).replace(/(.)\/$/, "$1"),
          "normalize",
        );
      }
      assert.equal(extname(path), posix.extname(path), "extname");
      assert.equal(
        join("/base", path),
        posix.join("/base", path).replace(/(.)\/$/, "$1"),
        "join",
      );
      assert.equal(
        resolve("/base", path),
        posix.resolve("/base", path),
        "resolve",
      );
    });
  }
});
