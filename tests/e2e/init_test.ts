import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.ts";
import { makeTempWorkspace, tend } from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

Deno.test("tend init writes a template that binds to 127.0.0.1 and a .tend/.gitignore of *", async () => {
  await using ws = await makeTempWorkspace();
  assertRun(await tend(ws, ["init"]), {
    code: 0,
    stdout: "",
    stderr: `wrote ${ws.path("tend.toml")}\n${schemaNote(ws.path("."))}`,
  });
  const config = await loadConfig(ws.path("tend.toml"));
  const [web] = config.services;
  assert.deepEqual(web?.args, [
    "-m",
    "http.server",
    "--bind",
    "127.0.0.1",
    "{port}",
  ]);
  assert.equal(await Deno.readTextFile(ws.path(".tend/.gitignore")), "*\n");
});

Deno.test("tend init keeps a .tend/.gitignore the user wrote", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.mkdir(ws.path(".tend"));
  await Deno.writeTextFile(ws.path(".tend/.gitignore"), "log/\n");
  assertRun(await tend(ws, ["init"]), { code: 0, stdout: "", stderr: /^/ });
  assert.equal(await Deno.readTextFile(ws.path(".tend/.gitignore")), "log/\n");
});

Deno.test("tend init warns when the new workspace is nested in another", async () => {
  await using ws = await makeTempWorkspace("# outer\n");
  await Deno.mkdir(ws.path("sub"));
  const inner = ws.path("sub/tend.toml");
  assertRun(await tend(ws, ["-C", "sub", "init"]), {
    code: 0,
    stdout: "",
    stderr: `wrote ${inner}\n${schemaNote(ws.path("sub"))}warning: "${
      ws.path("sub")
    }" is inside the workspace "${ws.dir}": tend commands run here now use the new tend.toml, not "${
      ws.path("tend.toml")
    }"\n`,
  });
  assert.match(await Deno.readTextFile(inner), /^#:schema .*\n# tend\.toml/);
});

Deno.test("tend init next to a daemon.toml says which file tend uses", async () => {
  await using ws = await makeTempWorkspace();
  await Deno.writeTextFile(ws.path("daemon.toml"), "[daemon]\n");
  assertRun(await tend(ws, ["init"]), {
    code: 0,
    stdout: "",
    stderr: `wrote ${ws.path("tend.toml")}\n${
      schemaNote(ws.path("."))
    }warning: "${ws.path("daemon.toml")}" is here too: tend uses "${
      ws.path("tend.toml")
    }" and ignores it\n`,
  });
});

/** The line `tend init` writes about the schema its `#:schema` line names. */
function schemaNote(dir: string): string {
  const at = dir.replace(/\/\.?$/, "");
  return `wrote ${at}/.tend/tend.schema.json (for the #:schema line of tend.toml)\n`;
}
