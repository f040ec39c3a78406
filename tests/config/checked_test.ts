import assert from "node:assert/strict";
import {
  cachedConfig,
  checkedConfigFile,
  checkedConfigLoader,
  configDigest,
  loadCheckedConfig,
  validateConfig,
} from "../../src/config/checked.ts";
import { makeTempDir } from "../fence/_helpers.ts";
import { pathExists } from "../../src/_path_exists.ts";

const TOML = '[[processes]]\nname = "web"\ncommand = "sleep"\nargs = ["9"]\n';

async function workspace() {
  const dir = await makeTempDir();
  const file = dir.join("tend.toml");
  await Deno.writeTextFile(file, TOML);
  const options = { workspace: dir.path, runDir: dir.join(".tend/run") };
  return { dir, file, options, cache: checkedConfigFile(options.runDir) };
}

/**
 * Rewrites the cache's config, keeping its text, with its digest made
 * again (`digest: false`: left as it was): only a cache hit sees it.
 */
async function tamper(
  cache: string,
  command: string,
  options: { digest?: boolean } = {},
): Promise<void> {
  const checked = JSON.parse(await Deno.readTextFile(cache));
  checked.config.services[0].command = command;
  if (options.digest !== false) {
    checked.digest = await configDigest(checked.config);
  }
  await Deno.writeTextFile(cache, JSON.stringify(checked));
}

Deno.test("validateConfig() caches the config with its text; loadCheckedConfig() takes it while the text is unchanged", async () => {
  const ws = await workspace();
  await using _ = ws.dir;
  const validated = await validateConfig(ws.file, ws.options);
  assert.deepEqual(await loadCheckedConfig(ws.file, ws.options), validated);
  await tamper(ws.cache, "from-the-cache");
  const cached = await loadCheckedConfig(ws.file, ws.options);
  assert.equal(cached.services[0]?.command, "from-the-cache");
});

Deno.test("loadCheckedConfig() validates again once the file's text changed, and caches that", async () => {
  const ws = await workspace();
  await using _ = ws.dir;
  await validateConfig(ws.file, ws.options);
  await tamper(ws.cache, "from-the-cache");
  await Deno.writeTextFile(ws.file, TOML.replace('"9"', '"10"'));
  const fresh = await loadCheckedConfig(ws.file, ws.options);
  assert.equal(fresh.services[0]?.command, "sleep");
  assert.deepEqual(fresh.services[0]?.args, ["10"]);
  const cached = JSON.parse(await Deno.readTextFile(ws.cache));
  assert.equal(cached.text, TOML.replace('"9"', '"10"'));
});

Deno.test("loadCheckedConfig() ignores a damaged cache and reports a bad config as the loader does", async (t) => {
  const ws = await workspace();
  await using _ = ws.dir;
  await validateConfig(ws.file, ws.options);
  for (const garbage of ["{", "null", '{"text": 1}', "[]"]) {
    await t.step(garbage, async () => {
      await Deno.writeTextFile(ws.cache, garbage);
      const config = await loadCheckedConfig(ws.file, ws.options);
      assert.equal(config.services[0]?.command, "sleep");
    });
  }
  await Deno.writeTextFile(ws.file, "[[processes]]\nname = 3\n");
  await assert.rejects(
    loadCheckedConfig(ws.file, ws.options),
    /Cannot load config .*tend\.toml/,
  );
});

Deno.test("cachedConfig() takes the cache only while it fits the file, tend and Deno, and writes nothing", async (t) => {
  const ws = await workspace();
  await using _ = ws.dir;
  await t.step("no cache", async () => {
    assert.equal(await cachedConfig(ws.file, ws.options), null);
    assert.ok(!await pathExists(ws.options.runDir), "a .tend/run was made");
  });
  await validateConfig(ws.file, ws.options);
  await tamper(ws.cache, "from-the-cache");
  const written = await Deno.readTextFile(ws.cache);
  await t.step("the same text", async () => {
    const cached = await cachedConfig(ws.file, ws.options);
    assert.equal(cached?.services[0]?.command, "from-the-cache");
  });
  const changes: [string, (checked: Record<string, unknown>) => void][] = [
    ["another tend", (checked) => checked.tend = "0.0.0-other"],
    ["another Deno", (checked) => checked.deno = "1.0.0"],
    [
      "no Deno version (an older tend's cache)",
      (checked) => delete checked.deno,
    ],
    ["another workspace", (checked) => checked.workspace = "/elsewhere"],
    ["another file", (checked) => checked.file = "/elsewhere/tend.toml"],
    ["another text", (checked) => checked.text = `${checked.text}\n`],
  ];
  for (const [label, change] of changes) {
    await t.step(label, async () => {
      const checked = JSON.parse(written);
      change(checked);
      await Deno.writeTextFile(ws.cache, JSON.stringify(checked));
      assert.equal(await cachedConfig(ws.file, ws.options), null);
      assert.equal(
        await Deno.readTextFile(ws.cache),
        JSON.stringify(checked),
        "the cache was rewritten",
      );
    });
  }
});

Deno.test("cachedConfig() does not take a config changed without its digest, nor one without a digest", async () => {
  const ws = await workspace();
  await using _ = ws.dir;
  await validateConfig(ws.file, ws.options);
  const written = JSON.parse(await Deno.readTextFile(ws.cache));
  assert.match(written.digest, /^[0-9a-f]{64}$/);
  await tamper(ws.cache, "from-the-cache", { digest: false });
  assert.equal(await cachedConfig(ws.file, ws.options), null);
  const broken = JSON.parse(await Deno.readTextFile(ws.cache));
  broken.config.services = [{}];
  await Deno.writeTextFile(ws.cache, JSON.stringify(broken));
  assert.equal(await cachedConfig(ws.file, ws.options), null);
  delete written.digest;
  await Deno.writeTextFile(ws.cache, JSON.stringify(written));
  assert.equal(await cachedConfig(ws.file, ws.options), null);
  assert.equal(
    (await loadCheckedConfig(ws.file, ws.options)).services[0]?.command,
    "sleep",
  );
});

Deno.test("checkedConfigLoader() (the supervisor's) takes the cache its CLI checked without checking the digest again", async () => {
  const ws = await workspace();
  await using _ = ws.dir;
  await validateConfig(ws.file, ws.options);
  await tamper(ws.cache, "from-the-cache", { digest: false });
  const load = checkedConfigLoader(ws.file, ws.options);
  assert.equal((await load()).services[0]?.command, "from-the-cache");
  assert.equal(await cachedConfig(ws.file, ws.options), null);
});
