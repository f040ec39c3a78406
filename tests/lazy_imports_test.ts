import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Every module that src/ loads through lazyImport(), relative to the root. */
async function lazyModules(): Promise<string[]> {
  const found = new Set<string>();
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(url);
        const calls = text.matchAll(
          /lazyImport<[^>]*>\(\s*new URL\("([^"]+)", import\.meta\.url\)/g,
        );
        for (const [, specifier] of calls) {
          found.add(
            new URL(specifier!, url).pathname.slice(ROOT.pathname.length),
          );
        }
      }
    }
  };
  await walk(new URL("src/", ROOT));
  return [...found].sort();
}

Deno.test("deno compile includes every module that src/ imports lazily", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const task: string = config.tasks.compile.command;
  const included = [...task.matchAll(/--include (\S+)/g)].map((m) => m[1]!);
  const lazy = await lazyModules();
  assert.ok(lazy.includes("src/commands/status.ts"), `found: ${lazy}`);
  assert.deepEqual(lazy.filter((m) => !included.includes(m)), []);
});

Deno.test("the release workflow builds with the compile task, not a compile line of its own", async () => {
  const workflow = await Deno.readTextFile(
    new URL(".github/workflows/release.yml", ROOT),
  );
  assert.match(workflow, /^\s+- run: deno task compile$/m);
  assert.doesNotMatch(workflow, /deno compile /);
});

Deno.test("the CLI's static graph reaches no npm package", async () => {
  const seen = new Set<string>();
  const visit = async (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const text = await Deno.readTextFile(url);
    for (
      const [, type, specifier] of text.matchAll(
        /^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms,
      )
    ) {
      if (type !== undefined) continue;
      if (specifier!.startsWith(".")) await visit(new URL(specifier!, url));
      else seen.add(specifier!);
    }
  };
  await visit(new URL("main.ts", ROOT));
  const bare = [...seen].filter((s) => !s.startsWith("file:"));
  assert.deepEqual(bare, []);
});
