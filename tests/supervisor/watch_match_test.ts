import assert from "node:assert/strict";
import { watchMatcher, watchRoots } from "../../src/supervisor/watch_match.ts";
import { describeChange } from "../../src/supervisor/watch.ts";

Deno.test("watchMatcher() matches globs relative to the working directory, minus the ignored", () => {
  const matches = watchMatcher({
    cwd: "/app",
    patterns: ["src/**/*.ts", "*.json"],
    ignore: ["dist", "**/*.test.ts"],
  });
  const table: [string, boolean][] = [
    ["/app/src/a.ts", true],
    ["/app/src/x/y/b.ts", true],
    ["/app/src/.hidden.ts", true],
    ["/app/deno.json", true],
    ["/app/x/deno.json", false],
    ["/app/src/a.md", false],
    ["/app/src/node_modules/pkg/a.ts", false],
    ["/app/src/.git/a.ts", false],
    ["/app/src/.tend/a.ts", false],
    ["/app/src/dist/a.ts", false],
    ["/app/src/a.test.ts", false],
    ["/other/src/a.ts", false],
    ["/application/src/a.ts", false],
  ];
  for (const [path, expected] of table) {
    assert.equal(matches(path), expected, path);
  }
});

Deno.test("watchRoots() watches the fixed start of each pattern, nested ones left out", () => {
  assert.deepEqual(
    watchRoots({
      cwd: "/app",
      patterns: ["src/**/*.ts", "src/a/*.ts", "lib/*.ts"],
      ignore: [],
    }),
    ["/app/lib", "/app/src"],
  );
  assert.deepEqual(
    watchRoots({ cwd: "/app", patterns: ["src/**", "*.json"], ignore: [] }),
    ["/app"],
  );
});

Deno.test("describeChange() names the first file and counts the others", () => {
  assert.equal(describeChange(["a.ts"]), "a.ts changed");
  assert.equal(
    describeChange(["a.ts", "b.ts"]),
    "a.ts and 1 more file changed",
  );
  assert.equal(
    describeChange(["a.ts", "b.ts", "c.ts"]),
    "a.ts and 2 more files changed",
  );
});
