import assert from "node:assert/strict";
import { GLOBAL_OPTIONS } from "../../src/commands/command.ts";
import {
  commandHelp,
  commands,
  helpText,
  suggest,
} from "../../src/commands/mod.ts";

Deno.test("suggest() finds the command closest to a typo", async (t) => {
  const cases: [string, string | undefined][] = [
    ["stauts", "status"],
    // A prefix of one command wins over a closer edit (stat → start is 1).
    ["stat", "status"],
    ["rel", "reload"],
    ["statsu", "status"],
    ["strat", "start"],
    ["stpo", "stop"],
    ["log", "logs"],
    ["reloda", "reload"],
    ["restrat", "restart"],
    ["dwon", "down"],
    ["status", "status"],
    ["xyzzy", undefined],
    ["supervise", undefined],
    ["__supervis", undefined],
  ];
  for (const [typo, expected] of cases) {
    await t.step(`${JSON.stringify(typo)} → ${expected}`, () => {
      assert.equal(suggest(typo), expected);
    });
  }
});

Deno.test("helpText() lists every visible command with its summary", () => {
  const text = helpText();
  const visible = [...commands.values()].filter((c) => !c.hidden);
  assert.ok(visible.length >= 9);
  for (const command of visible) {
    assert.match(
      text,
      new RegExp(`^  ${command.name} +${RegExp.escape(command.summary)}$`, "m"),
      command.name,
    );
  }
});

Deno.test("helpText() hides internal commands", () => {
  const text = helpText();
  assert.ok(!text.includes("__supervise"));
  const hidden = [...commands.values()].filter((c) => c.hidden);
  assert.ok(hidden.some((c) => c.name === "__supervise"));
  for (const command of hidden) assert.ok(!text.includes(command.name));
});

Deno.test("helpText() documents every global option", () => {
  const text = helpText();
  for (const name of [...Object.keys(GLOBAL_OPTIONS), "version"]) {
    assert.ok(text.includes(`--${name}`), name);
  }
});

Deno.test("commands registers each command under its own name", () => {
  for (const [name, command] of commands) {
    assert.equal(command.name, name);
    assert.ok(command.summary.length > 0, name);
    assert.ok(command.usage.startsWith(`tend ${name}`), name);
    assert.equal(commandHelp(command), `Usage: ${command.usage}`);
  }
});

Deno.test("commands have no option that shadows a global option", () => {
  const globalShorts = new Set<string | undefined>(
    Object.values(GLOBAL_OPTIONS).map((
      o,
    ) => ("short" in o ? o.short : undefined)),
  );
  for (const command of commands.values()) {
    for (const [name, option] of Object.entries(command.options)) {
      assert.ok(
        !Object.hasOwn(GLOBAL_OPTIONS, name),
        `${command.name} --${name}`,
      );
      assert.ok(
        option.short === undefined || !globalShorts.has(option.short),
        `${command.name} -${option.short}`,
      );
    }
  }
});

/** Files reached from `file` by run-time imports (`import type` is erased). */
async function runtimeGraph(file: URL, seen = new Set<string>()) {
  if (seen.has(file.href)) return seen;
  seen.add(file.href);
  const text = await Deno.readTextFile(file);
  for (
    const [, kind, specifier] of text.matchAll(
      /^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms,
    )
  ) {
    if (kind !== undefined || specifier === undefined) continue;
    if (specifier.startsWith(".")) {
      await runtimeGraph(new URL(specifier, file), seen);
    } else seen.add(specifier);
  }
  return seen;
}

Deno.test("the registry loads no command's code and nothing of node:util", async () => {
  const loaded = await runtimeGraph(
    new URL("../../src/commands/mod.ts", import.meta.url),
  );
  const names = [...loaded].map((f) => f.replace(/^.*\/src\//, "src/"));
  assert.deepEqual(names.sort(), [
    "src/_lazy.ts",
    "src/commands/_info.ts",
    "src/commands/_parse_args.ts",
    "src/commands/command.ts",
    "src/commands/mod.ts",
    "src/errors.ts",
  ]);
});

Deno.test("only up and the background supervisor force the process to exit", () => {
  const forced = [...commands.values()].filter((c) => c.forceExit === true);
  assert.deepEqual(forced.map((c) => c.name), ["up", "__supervise"]);
});
