import assert from "node:assert/strict";
import {
  ArgvError,
  type OptionSpec,
  parseArgv,
} from "../../src/commands/_parse_args.ts";

const OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  daemon: { type: "boolean", short: "d" },
  lines: { type: "string", short: "n" },
  workspace: { type: "string", short: "C" },
};

Deno.test("parseArgv() reads every accepted form", async (t) => {
  const cases: [string[], ParsedShape][] = [
    [["web"], { values: {}, positionals: ["web"] }],
    [["--json", "web"], { values: { json: true }, positionals: ["web"] }],
    [["web", "--json"], { values: { json: true }, positionals: ["web"] }],
    [["-q"], { values: { quiet: true }, positionals: [] }],
    [["-qd"], { values: { quiet: true, daemon: true }, positionals: [] }],
    [["-n", "5"], { values: { lines: "5" }, positionals: [] }],
    [["-n5"], { values: { lines: "5" }, positionals: [] }],
    [["-qn5"], { values: { quiet: true, lines: "5" }, positionals: [] }],
    [["--lines=7"], { values: { lines: "7" }, positionals: [] }],
    [["--lines", "7"], { values: { lines: "7" }, positionals: [] }],
    [["--lines="], { values: { lines: "" }, positionals: [] }],
    [["-C", "/tmp/x", "status"], {
      values: { workspace: "/tmp/x" },
      positionals: ["status"],
    }],
    [["--", "--json", "-q"], { values: {}, positionals: ["--json", "-q"] }],
    [["-"], { values: {}, positionals: ["-"] }],
    [["-n", "-"], { values: { lines: "-" }, positionals: [] }],
  ];
  for (const [argv, expected] of cases) {
    await t.step(JSON.stringify(argv), () => {
      assert.deepEqual(parseArgv(argv, OPTIONS), expected);
    });
  }
});

type ParsedShape = {
  values: Record<string, string | boolean>;
  positionals: string[];
};

Deno.test("parseArgv() rejects misuse with one sentence", async (t) => {
  const cases: [string[], string][] = [
    [["--nope"], 'Unknown option "--nope"'],
    [["-x"], 'Unknown option "-x"'],
    [["-qx"], 'Unknown option "-x"'],
    [["--json=1"], 'Option "--json" does not take a value'],
    [["--lines"], 'Option "--lines" needs a value'],
    [["-n"], 'Option "-n" needs a value'],
    [["-n", "--json"], 'Option "-n" needs a value'],
  ];
  for (const [argv, message] of cases) {
    await t.step(JSON.stringify(argv), () => {
      assert.throws(
        () => parseArgv(argv, OPTIONS),
        (error: unknown) =>
          error instanceof ArgvError && error.message === message,
      );
    });
  }
});
