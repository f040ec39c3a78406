/**
 * The modules that `tend status` loads, counted from `deno info`'s module
 * graph rather than by hand: `main.ts` and what it imports, then the
 * `status` command, which `main.ts` imports lazily (src/_lazy.ts), and what
 * that imports. Only imports that run count: `import type` loads nothing.
 */

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string } }[];
}

/** The code-import graph of `root` as `deno info --json` reports it. */
async function codeGraph(
  root: string,
  config: string,
): Promise<Map<string, string[]>> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", config, root],
    stdin: "null",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`deno info ${root} failed`);
  const info: { modules: InfoModule[] } = JSON.parse(
    new TextDecoder().decode(output.stdout),
  );
  return new Map(
    info.modules.map((module) => [
      module.specifier,
      (module.dependencies ?? []).flatMap((d) =>
        d.code ? [d.code.specifier] : []
      ),
    ]),
  );
}

/** The specifiers of the modules that `tend status` in `root` (a checkout) loads. */
export async function statusModules(root: string): Promise<string[]> {
  const base = new URL(`file://${root.replace(/\/?$/, "/")}`);
  const config = new URL("deno.json", base).pathname;
  const seen = new Set<string>();
  for (const entry of ["main.ts", "src/commands/status.ts"]) {
    const start = new URL(entry, base).href;
    const graph = await codeGraph(start, config);
    const stack = [start];
    while (stack.length > 0) {
      const specifier = stack.pop()!;
      if (seen.has(specifier)) continue;
      seen.add(specifier);
      stack.push(...graph.get(specifier) ?? []);
    }
  }
  return [...seen].sort();
}
