import assert from "node:assert/strict";
import { fromFileUrl } from "./_path.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));
const IMPORTS = (JSON.parse(
  await Deno.readTextFile(`${ROOT}deno.json`),
) as { imports: Record<string, string> }).imports;

/**
 * Every specifier of a module, static or dynamic, type-only included; lines
 * of comments (doc examples) are left out.
 */
function specifiersOf(source: string): string[] {
  const text = source.split("\n").filter((line) => {
    const start = line.trimStart();
    return !start.startsWith("*") && !start.startsWith("//");
  }).join("\n");
  const found: string[] = [];
  for (const match of text.matchAll(/\bfrom\s+"([^"]+)"/g)) {
    found.push(match[1]!);
  }
  for (const match of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) {
    found.push(match[1]!);
  }
  return found;
}

async function* modules(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* modules(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("src/ and mod.ts import packages only by pinned npm: specifiers that match deno.json", async () => {
  const files = [`${ROOT}mod.ts`];
  for await (const file of modules(`${ROOT}src`)) files.push(file);
  let packages = 0;
  for (const file of files) {
    for (const specifier of specifiersOf(await Deno.readTextFile(file))) {
      if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;
      const match = /^npm:((?:@[^/@]+\/)?[^/@]+)@([^/]+)(\/.*)?$/.exec(
        specifier,
      );
      assert.ok(match, `${file}: "${specifier}" is not a full npm: specifier`);
      const [, name, version] = match;
      assert.match(version!, /^\d+\.\d+\.\d+$/, `${file}: "${specifier}"`);
      assert.equal(
        `npm:${name}@${version}`,
        IMPORTS[name!],
        `${file}: "${specifier}" differs from deno.json's imports`,
      );
      packages++;
    }
  }
  assert.ok(packages > 0, "the scan found no package import at all");
});
