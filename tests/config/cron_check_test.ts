import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../../src/config/load.ts";

const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));
const LOAD = new URL("../../src/config/load.ts", import.meta.url).href;
const VALIDATE = new URL("../../src/config/validate.ts", import.meta.url).href;

/**
 * Runs `code` (a module that imports load.ts as `LOAD`, validate.ts as
 * `VALIDATE`) in a fresh Deno.
 */
async function fresh(code: string): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--config",
      CONFIG,
      `const LOAD = ${JSON.stringify(LOAD)};\nconst VALIDATE = ${
        JSON.stringify(VALIDATE)
      };\n${code}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return text;
}

Deno.test("croner loads only for a config that has a schedule, which is then checked", async () => {
  const out = await fresh(`
    const { parseConfig } = await import(LOAD);
    const { parseConfigText } = await import(VALIDATE);
    const where = { file: "/w/tend.toml", workspace: "/w" };
    const plain = '[[processes]]\\nname = "web"\\ncommand = "x"\\n';
    const job = (key) => plain + key + ' = "61 * * * *"\\n';
    const lines = [];
    lines.push("plain: " + (await parseConfig(plain, where)).services.length);
    try { parseConfigText(job("schedule"), where); lines.push("sync: parsed"); }
    catch (error) { lines.push("sync: " + error.message); }
    for (const key of ['"sch\\\\u0065dule"', "schedule"]) {
      try { await parseConfig(job(key), where); lines.push(key + ": parsed"); }
      catch (error) { lines.push(key + ": " + error.code); }
    }
    console.log(lines.join("\\n"));
  `);
  assert.deepEqual(out.split("\n"), [
    "plain: 1",
    'sync: Cannot check the cron pattern "61 * * * *": the cron check was not loaded first',
    '"sch\\u0065dule": CONFIG_INVALID',
    "schedule: CONFIG_INVALID",
  ]);
});

Deno.test("parseConfig() looks for a schedule through a huge array without overflowing the stack", async () => {
  const items = Array.from({ length: 500_000 }, (_, i) => `"a${i}"`).join(",");
  // The scan takes the last table first: the huge array, then the job.
  const config = await parseConfig(
    `[[processes]]\nname = "job"\ncommand = "x"\nschedule = "*/5 * * * *"\n` +
      `[[processes]]\nname = "web"\ncommand = "x"\nargs = [${items}]\n`,
    { file: "/w/tend.toml", workspace: "/w" },
  );
  assert.equal(config.services[1]?.args.length, 500_000);
  assert.equal(config.services[0]?.schedule?.cron, "*/5 * * * *");
});
