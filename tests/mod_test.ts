import assert from "node:assert/strict";
import { fromFileUrl } from "./_path.ts";

const ROOT = fromFileUrl(new URL("../", import.meta.url));

interface DocNode {
  name: string;
  declarations: {
    jsDoc?: { doc?: string; tags?: { kind: string }[] };
  }[];
}

async function deno(args: string[]): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("deno doc --lint mod.ts reports nothing", async () => {
  const output = await deno(["doc", "--lint", "mod.ts"]);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.doesNotMatch(stderr, /error|warning/);
});

Deno.test("every export of mod.ts has a doc comment with an @example", async () => {
  const output = await deno(["doc", "--json", "mod.ts"]);
  assert.equal(output.code, 0);
  const doc = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    nodes: Record<string, { symbols: DocNode[] }>;
  };
  const symbols = doc.nodes[`file://${ROOT}mod.ts`]!.symbols;
  assert.ok(symbols.some((s) => s.name === "openWorkspace"));
  const lacking = symbols.filter((symbol) =>
    !symbol.declarations.some((d) =>
      (d.jsDoc?.doc ?? "") !== "" &&
      (d.jsDoc?.tags ?? []).some((tag) => tag.kind === "example")
    )
  ).map((s) => s.name);
  assert.deepEqual(lacking, []);
});

Deno.test("the README's library example is examples/library.ts", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const section = readme.slice(readme.indexOf("\n## Library\n"));
  const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(shown, "the Library section has a ts block");
  const file = await Deno.readTextFile(`${ROOT}examples/library.ts`);
  assert.equal(shown, file.slice(file.indexOf("import {")));
});
