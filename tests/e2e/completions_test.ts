import assert from "node:assert/strict";
import {
  cliEnv,
  makeTempWorkspace,
  type TempWorkspace,
  tend,
  tendArgv,
} from "../_helpers.ts";
import { hasTool, runTool, skipWithout } from "../_tools.ts";

const TOML = `[[processes]]
name = "web"
command = "sleep"
args = ["1000"]
instances = 2

[[processes]]
name = "db"
command = "sleep"
args = ["1000"]
`;

/**
 * Loads `tend completions bash` in bash, with `tend` a function running
 * this checkout's CLI, completes `line` (the cursor at its end) and returns
 * the candidates.
 */
async function complete(ws: TempWorkspace, line: string): Promise<string[]> {
  const script = await tend(ws, ["completions", "bash"]);
  assert.equal(script.code, 0, script.stderr);
  await Deno.writeTextFile(ws.path("tend.bash"), script.stdout);
  const words = line.split(" ");
  const argv = tendArgv([]).map((a) => `'${a.replaceAll("'", `'\\''`)}'`);
  const program = [
    `tend() { ${JSON.stringify(Deno.execPath())} ${argv.join(" ")} "$@"; }`,
    `source ${JSON.stringify(ws.path("tend.bash"))}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=${line.length}`,
    `_tend`,
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
    // complete -p shows that the function is registered for "tend".
    `complete -p tend >&2`,
  ].join("\n");
  const output = await new Deno.Command("bash", {
    args: ["--norc", "--noprofile", "-c", program],
    cwd: ws.dir,
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.equal(stderr, "complete -F _tend tend\n");
  return new TextDecoder().decode(output.stdout).split("\n").filter(Boolean);
}

Deno.test({
  name: "tend completions bash completes commands, options and service names",
  ignore: skipWithout("bash"),
  fn: async (t) => {
    await using ws = await makeTempWorkspace(TOML);
    await Deno.mkdir(ws.path("sub dir"));
    const cases: [string, string[]][] = [
      ["tend st", ["start", "stop", "status"]],
      ["tend re", ["restart", "reload"]],
      ["tend start ", ["web", "web.0", "web.1", "db"]],
      ["tend stop w", ["web", "web.0", "web.1"]],
      ["tend -C . logs d", ["db"]],
      ["tend logs --f", ["--follow"]],
      ["tend export ", ["systemd", "compose"]],
      ["tend export systemd ", []],
      ["tend service i", ["install"]],
      ["tend completions ", ["bash", "zsh", "fish"]],
      ["tend --j", ["--json"]],
      ["tend export --out su", ["sub dir"]],
    ];
    for (const [line, expected] of cases) {
      await t.step(JSON.stringify(line), async () => {
        assert.deepEqual(await complete(ws, line), expected);
      });
    }
  },
});

Deno.test("tend __complete services prints nothing outside a workspace", async () => {
  await using ws = await makeTempWorkspace();
  assert.deepEqual(await tend(ws, ["__complete", "services"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
});

Deno.test("tend completions zsh and fish print scripts their shells can parse", async (t) => {
  await using ws = await makeTempWorkspace(TOML);
  for (const shell of ["zsh", "fish"]) {
    await t.step(shell, async () => {
      const script = await tend(ws, ["completions", shell]);
      assert.equal(script.code, 0, script.stderr);
      assert.equal(script.stderr, "");
      assert.ok(script.stdout.includes("__complete services"));
      for (const name of ["start", "export", "completions"]) {
        assert.ok(script.stdout.includes(name), name);
      }
      if (!hasTool(shell)) return; // Checked by text only where absent.
      const file = ws.path(`tend.${shell}`);
      await Deno.writeTextFile(file, script.stdout);
      const parsed = await runTool([shell, "-n", file]);
      assert.equal(parsed.code, 0, parsed.stderr);
    });
  }
});

Deno.test("tend completions rejects an unknown shell", async () => {
  await using ws = await makeTempWorkspace();
  const result = await tend(ws, ["completions", "powershell"]);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^error: Cannot run "tend completions": expected bash, zsh or fish, got "powershell"\n/,
  );
});
