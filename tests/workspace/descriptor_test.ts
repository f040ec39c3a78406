import assert from "node:assert/strict";
import { workspacePaths } from "../../src/config/paths.ts";
import { readDescriptor } from "../../src/workspace/descriptor.ts";
import { makeTempDir } from "../fence/_helpers.ts";

const IDENTITY = { pid: 4321, startTicks: 123_456, bootId: "boot-1" };

const FILE = {
  pid: 4321,
  identity: IDENTITY,
  mode: "foreground",
  startedAt: "2024-05-01T10:00:00.000Z",
  version: "0.1.0",
  workspace: "/w",
  config: "/w/tend.toml",
  socket: "/w/.tend/run/tend.sock",
  http: null,
};

/** readDescriptor() of a supervisor.json holding `text`. */
async function readText(text: string) {
  await using dir = await makeTempDir();
  const paths = workspacePaths(dir.path);
  await Deno.mkdir(paths.runDir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(paths.supervisorJson, text, { mode: 0o600 });
  return await readDescriptor(paths);
}

Deno.test("readDescriptor() reads every field of a valid file", async () => {
  assert.deepEqual(await readText(JSON.stringify(FILE)), FILE);
});

Deno.test("readDescriptor() returns null when the file is absent", async () => {
  await using dir = await makeTempDir();
  assert.equal(await readDescriptor(workspacePaths(dir.path)), null);
});

Deno.test("readDescriptor() returns null without a valid identity", async (t) => {
  const cases: [string, string][] = [
    ["not JSON", "{pid: 1"],
    ["empty", ""],
    ["null", "null"],
    ["an array", "[]"],
    ["no identity", JSON.stringify({ ...FILE, identity: undefined })],
    ["identity null", JSON.stringify({ ...FILE, identity: null })],
    [
      "identity with a string pid",
      JSON.stringify({ ...FILE, identity: { ...IDENTITY, pid: "1" } }),
    ],
    [
      "identity with an empty boot id",
      JSON.stringify({ ...FILE, identity: { ...IDENTITY, bootId: "" } }),
    ],
  ];
  for (const [label, text] of cases) {
    await t.step(label, async () => {
      assert.equal(await readText(text), null);
    });
  }
});

Deno.test("readDescriptor() reads a damaged field other than identity as unknown", async () => {
  const text = JSON.stringify({
    identity: IDENTITY,
    mode: "sideways",
    startedAt: "x".repeat(65),
    version: 7,
    socket: ["no"],
  });
  assert.deepEqual(await readText(text), {
    pid: null,
    identity: IDENTITY,
    mode: "background",
    startedAt: null,
    version: null,
    workspace: null,
    config: null,
    socket: null,
    http: null,
  });
});
