import assert from "node:assert/strict";
import {
  checkWorkspaceConfig,
  loadWorkspaceConfig,
} from "../../src/client/config.ts";
import { workspacePaths } from "../../src/config/paths.ts";
import { configDigest } from "../../src/config/checked.ts";
import type { Workspace } from "../../src/workspace/workspace.ts";
import { makeTempDir } from "../fence/_helpers.ts";
import { pathExists } from "../../src/_path_exists.ts";

const TOML = '[[processes]]\nname = "web"\ncommand = "sleep"\nargs = ["9"]\n';

async function workspace(): Promise<Workspace & AsyncDisposable> {
  const dir = await makeTempDir();
  const configFile = dir.join("tend.toml");
  await Deno.writeTextFile(configFile, TOML);
  return {
    root: dir.path,
    configFile,
    paths: workspacePaths(dir.path),
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

/** Rewrites the cached config's command, keeping its text. */
async function tamper(ws: Workspace, command: string): Promise<void> {
  const file = `${ws.paths.runDir}/config.json`;
  const checked = JSON.parse(await Deno.readTextFile(file));
  checked.config.services[0].command = command;
  checked.digest = await configDigest(checked.config);
  await Deno.writeTextFile(file, JSON.stringify(checked));
}

Deno.test("loadWorkspaceConfig() reads the file without leaving a cache, and takes one that fits", async () => {
  await using ws = await workspace();
  const loaded = await loadWorkspaceConfig(ws);
  assert.equal(loaded.services[0]?.command, "sleep");
  assert.ok(!await pathExists(ws.paths.runDir), "a .tend/run was made");
  await checkWorkspaceConfig(ws);
  await tamper(ws, "from-the-cache");
  assert.equal(
    (await loadWorkspaceConfig(ws)).services[0]?.command,
    "from-the-cache",
  );
  await Deno.writeTextFile(ws.configFile, TOML.replace('"9"', '"10"'));
  assert.equal((await loadWorkspaceConfig(ws)).services[0]?.command, "sleep");
});

Deno.test("checkWorkspaceConfig() takes a cache that fits and checks a changed file again", async () => {
  await using ws = await workspace();
  await checkWorkspaceConfig(ws);
  await tamper(ws, "from-the-cache");
  assert.equal(
    (await checkWorkspaceConfig(ws)).services[0]?.command,
    "from-the-cache",
  );
  await Deno.writeTextFile(ws.configFile, "[[processes]]\nname = 3\n");
  await assert.rejects(
    checkWorkspaceConfig(ws),
    /Cannot load config .*tend\.toml.*name/,
  );
});
