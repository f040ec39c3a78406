import assert from "node:assert/strict";
import { JSON_SCHEMA_PATH } from "../../src/config/json_schema.ts";
import { fromFileUrl } from "../_path.ts";
import { makeTempWorkspace, tend } from "../_helpers.ts";
import { runTool, skipWithout, type ToolRun } from "../_tools.ts";

const ROOT = fromFileUrl(new URL("../../", import.meta.url));
const SCHEMA = `${ROOT}${JSON_SCHEMA_PATH}`;
/** Taplo's command-line tool, pinned. */
const TAPLO = ["npx", "-y", "@taplo/cli@0.7.0"];
/** Put before a README ```toml block that is not a config to check. */
const SKIP_MARK = "<!-- schema: skip -->";

async function taplo(args: readonly string[], cwd: string): Promise<ToolRun> {
  return await runTool([...TAPLO, "check", ...args], { cwd });
}

/**
 * The README's ```toml blocks as documents: a block that starts with a
 * table is a whole file; one made of bare `key = value` lines lists
 * alternatives for a service, so each line becomes a service of its own.
 */
function readmeConfigs(readme: string): string[] {
  const docs: string[] = [];
  const blocks = readme.matchAll(/(^.*\n)?```toml\n([^]*?)```/gm);
  for (const [, before, body = ""] of blocks) {
    if (before?.trim() === SKIP_MARK) continue;
    const lines = body.split("\n").filter((l) => l.trim() !== "");
    const first = lines.find((l) => !l.trim().startsWith("#")) ?? "";
    if (first.trim().startsWith("[")) {
      docs.push(body);
      continue;
    }
    for (const line of lines) {
      if (line.trim().startsWith("#")) continue;
      docs.push(`[[processes]]\nname = "x"\ncommand = "x"\n${line}\n`);
    }
  }
  return docs;
}

async function examples(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".toml")) found.push(path);
    }
  };
  await walk(`${ROOT}examples`);
  return found.sort();
}

Deno.test({
  name:
    "Taplo accepts every example config and README config block against the schema",
  ignore: skipWithout("npx"),
  fn: async () => {
    await using ws = await makeTempWorkspace();
    const readme = readmeConfigs(await Deno.readTextFile(`${ROOT}README.md`));
    assert.ok(readme.length >= 4, `only ${readme.length} README configs`);
    const files = await examples();
    assert.ok(files.length >= 1);
    for (const [i, doc] of readme.entries()) {
      const file = ws.path(`readme-${i}.toml`);
      await Deno.writeTextFile(file, doc);
      files.push(file);
    }
    const result = await taplo(
      ["--schema", `file://${SCHEMA}`, ...files],
      ws.dir,
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
  },
});

Deno.test({
  name: "Taplo rejects a misspelt field, naming it",
  ignore: skipWithout("npx"),
  fn: async () => {
    await using ws = await makeTempWorkspace(
      '[[processes]]\nname = "web"\ncommand = "x"\nstop_timout = "10s"\n',
    );
    const result = await taplo(
      ["--schema", `file://${SCHEMA}`, "tend.toml"],
      ws.dir,
    );
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /Additional properties are not allowed \('stop_timout' was unexpected\)/,
    );
  },
});

Deno.test({
  name: "tend init writes a #:schema line that Taplo follows",
  ignore: skipWithout("npx"),
  fn: async () => {
    await using ws = await makeTempWorkspace();
    const init = await tend(ws, ["init"]);
    assert.equal(init.code, 0, init.stderr);
    const toml = await Deno.readTextFile(ws.path("tend.toml"));
    assert.ok(toml.startsWith("#:schema ./.tend/tend.schema.json\n"));
    const ok = await taplo(["tend.toml"], ws.dir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    // The same directive catches a wrong value: Taplo really read the schema.
    await Deno.writeTextFile(
      ws.path("tend.toml"),
      toml.replace("port = 8642", "port = 99999"),
    );
    const bad = await taplo(["tend.toml"], ws.dir);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stderr, /99999 is greater than the maximum of 65535/);
  },
});

Deno.test("tend schema prints the committed schema", async () => {
  await using ws = await makeTempWorkspace();
  const result = await tend(ws, ["schema"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, await Deno.readTextFile(SCHEMA));
});
