import assert from "node:assert/strict";
import { writeModuleChain } from "../../scripts/_bench/module_chain.ts";

for (const language of ["ts", "js"] as const) {
  Deno.test(`a chain of ${language} modules loads every one of them`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "tend-test-chain-" });
    try {
      const entry = await writeModuleChain(dir, { count: 5, language });
      const files = [];
      for await (const file of Deno.readDir(dir)) files.push(file.name);
      assert.equal(files.length, 5);
      assert.ok(files.every((name) => name.endsWith(`.${language}`)));
      // The last module exports 1 and each before it one more: the entry
      // prints 4 only when all four modules of the chain ran.
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--no-config", entry],
        stdin: "null",
        stderr: "inherit",
      }).output();
      assert.equal(output.code, 0);
      assert.equal(new TextDecoder().decode(output.stdout), "4\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
