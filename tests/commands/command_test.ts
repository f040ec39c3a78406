import { DEFAULT_TIMING } from "../../src/timing.ts";
import assert from "node:assert/strict";
import {
  type Args,
  type Context,
  defineCommand,
  globalsOf,
  parseCommandArgs,
  parseCount,
} from "../../src/commands/command.ts";
import type { ArgsOf } from "../../src/commands/_info.ts";
import { TendError } from "../../src/errors.ts";
import { Output } from "../../src/output/output.ts";

/** A command shaped like `tend logs`. */
const LOGS = {
  name: "logs",
  takesNames: true,
  options: {
    lines: { type: "string", short: "n" },
    follow: { type: "boolean", short: "f" },
  },
} as const;

Deno.test("parseCommandArgs() accepts global options before and after positionals", async (t) => {
  const expected = {
    positionals: ["web"],
    globals: {
      workspace: "/w",
      config: undefined,
      json: true,
      quiet: false,
      noColor: false,
    },
  };
  const cases: string[][] = [
    ["-C", "/w", "--json", "web"],
    ["web", "-C", "/w", "--json"],
    ["--json", "web", "--workspace", "/w"],
    ["--workspace=/w", "web", "--json"],
    ["-C/w", "--json", "web"],
  ];
  for (const argv of cases) {
    await t.step(argv.join(" "), () => {
      const { values, positionals } = parseCommandArgs(LOGS, argv);
      assert.deepEqual({ positionals, globals: globalsOf(values) }, expected);
    });
  }
});

Deno.test("parseCommandArgs() reads every global option", () => {
  const { values, positionals } = parseCommandArgs(LOGS, [
    "-C",
    "/w",
    "-c",
    "/w/other.toml",
    "--json",
    "-q",
    "--no-color",
    "web",
    "db",
  ]);
  assert.deepEqual(positionals, ["web", "db"]);
  assert.deepEqual(globalsOf(values), {
    workspace: "/w",
    config: "/w/other.toml",
    json: true,
    quiet: true,
    noColor: true,
  });
  assert.equal(values.help, undefined);
});

Deno.test("parseCommandArgs() reads the command's own options mixed with globals", () => {
  const { values, positionals } = parseCommandArgs(LOGS, [
    "-n",
    "5",
    "web",
    "-f",
    "--json",
  ]);
  assert.deepEqual(positionals, ["web"]);
  assert.equal(values.lines, "5");
  assert.ok(values.follow === true);
  assert.ok(values.json === true);
});

Deno.test("parseCommandArgs() reads -h and --help", () => {
  assert.ok(parseCommandArgs(LOGS, ["-h"]).values.help === true);
  assert.ok(
    parseCommandArgs(LOGS, ["web", "--help"]).values.help === true,
  );
});

Deno.test("parseCommandArgs() treats everything after -- as positionals", () => {
  const { values, positionals } = parseCommandArgs(LOGS, [
    "web",
    "--",
    "--json",
    "-x",
  ]);
  assert.deepEqual(positionals, ["web", "--json", "-x"]);
  assert.equal(values.json, undefined);
});

Deno.test("globalsOf() defaults every global option", () => {
  assert.deepEqual(globalsOf({}), {
    workspace: undefined,
    config: undefined,
    json: false,
    quiet: false,
    noColor: false,
  });
});

Deno.test("parseCommandArgs() rejects bad flags with a USAGE error", async (t) => {
  const cases: string[][] = [
    ["--bogus"],
    ["web", "-z"],
    ["--json=yes"],
    ["-C"],
    ["web", "--workspace"],
    ["--lines"],
    ["--daemon"],
  ];
  for (const argv of cases) {
    await t.step(argv.join(" "), () => {
      assert.throws(
        () => parseCommandArgs(LOGS, argv),
        (error: unknown) => {
          assert.ok(error instanceof TendError);
          assert.equal(error.code, "USAGE");
          assert.match(error.message, /^Cannot run "tend logs": \S/);
          assert.doesNotMatch(error.message, /\.$/);
          assert.equal(error.hint, 'See "tend logs --help"');
          return true;
        },
      );
    });
  }
});

Deno.test("parseCount() reads a whole number", async (t) => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ["0", 0],
    ["42", 42],
    ["007", 7],
    ["999999999", 999_999_999],
  ];
  for (const [value, expected] of cases) {
    await t.step(`${JSON.stringify(value)} → ${expected}`, () => {
      assert.equal(parseCount(value, "--lines"), expected);
    });
  }
});

Deno.test("parseCount() rejects anything but a whole number", async (t) => {
  const cases: string[] = [
    "",
    "-1",
    "+1",
    "1.5",
    "1e3",
    "abc",
    " 1",
    "1 ",
    "1234567890",
  ];
  for (const value of cases) {
    await t.step(JSON.stringify(value), () => {
      assert.throws(
        () => parseCount(value, "-n"),
        (error: unknown) => {
          assert.ok(error instanceof TendError);
          assert.equal(error.code, "USAGE");
          assert.equal(
            error.message,
            `Cannot use -n "${value}": expected a whole number`,
          );
          return true;
        },
      );
    });
  }
});

Deno.test("parseCommandArgs() types each value by its option's kind", () => {
  const { values } = parseCommandArgs(LOGS, ["-n", "5", "-f", "-C", "/w"]);
  // These annotations are the test: a string option reads as a string, a
  // boolean as a boolean, and the globals are there too.
  const lines: string | undefined = values.lines;
  const follow: boolean | undefined = values.follow;
  const workspace: string | undefined = values.workspace;
  const json: boolean | undefined = values.json;
  assert.deepEqual([lines, follow, workspace, json], [
    "5",
    true,
    "/w",
    undefined,
  ]);
  // @ts-expect-error: an option the table does not declare does not compile.
  assert.equal(values.count, undefined);
  // @ts-expect-error: a boolean option is not a string.
  const wrong: string | undefined = values.follow;
  assert.ok(wrong);
});

Deno.test("ArgsOf<NAME> is typed from the registry's options of NAME", () => {
  const logs: ArgsOf<"logs"> = { values: { lines: "5" }, positionals: [] };
  const stop: ArgsOf<"stop"> = { values: { all: true }, positionals: ["web"] };
  assert.equal(logs.values.lines, "5");
  assert.ok(stop.values.all === true);
  // @ts-expect-error: `tend logs` has no --all.
  assert.equal(logs.values.all, undefined);
  // @ts-expect-error: `tend stop` has no -n.
  const bad: ArgsOf<"stop"> = { values: { lines: "5" }, positionals: [] };
  assert.ok(bad);
});

Deno.test("defineCommand() loads the command's code only when it runs, and hands it the parsed arguments", async () => {
  const seen: Args<typeof LOGS.options>[] = [];
  let loads = 0;
  const command = defineCommand("logs", {
    summary: "Show logs",
    usage: "tend logs [NAME...] [-n N] [-f]",
    options: LOGS.options,
    takesNames: true,
    load: () => {
      loads++;
      return Promise.resolve({
        run: (_ctx: Context, args: Args<typeof LOGS.options>) => {
          seen.push(args);
          return Promise.resolve(args.values.follow ? 1 : 0);
        },
      });
    },
  });
  assert.equal(loads, 0, "declaring a command loads nothing");
  assert.equal(command.name, "logs");
  assert.equal(command.forceExit, undefined);
  const run = await command.load();
  assert.equal(loads, 1);
  const ctx: Context = {
    cwd: "/",
    globals: globalsOf({}),
    out: new Output({ json: false, quiet: true, color: false }),
    timing: DEFAULT_TIMING,
  };
  const parsed = parseCommandArgs(command, ["web", "-f", "-n", "3"]);
  assert.equal(await run(ctx, parsed), 1);
  assert.deepEqual(seen, [{
    values: { follow: true, lines: "3" },
    positionals: ["web"],
  }]);
});
