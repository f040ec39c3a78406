import assert from "node:assert/strict";

const SRC = new URL("../src/", import.meta.url);

/** Folders of src/ that the commands build on, which must not import them. */
const BELOW_COMMANDS = ["api", "client"];

/** The src/ folders that a module names: static, dynamic and lazy imports. */
function foldersImported(source: string, module: URL): string[] {
  const specifiers = [
    ...source.matchAll(/\bfrom\s+"(\.[^"]+)"/g),
    ...source.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g),
    ...source.matchAll(/new URL\(\s*"(\.[^"]+)",\s*import\.meta\.url\)/g),
  ].map((match) => match[1]!);
  return specifiers.map((specifier) =>
    new URL(specifier, module).pathname.slice(SRC.pathname.length)
      .split("/")[0]!
  );
}

Deno.test("src/api and src/client never import src/commands", async () => {
  const offending: string[] = [];
  for (const folder of BELOW_COMMANDS) {
    for await (const entry of Deno.readDir(new URL(`${folder}/`, SRC))) {
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      const module = new URL(`${folder}/${entry.name}`, SRC);
      const imported = foldersImported(await Deno.readTextFile(module), module);
      if (imported.includes("commands")) {
        offending.push(`${folder}/${entry.name}`);
      }
    }
  }
  assert.deepEqual(offending, []);
});
