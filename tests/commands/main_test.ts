import { decodeOutput } from "../_helpers.ts";
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { invocationOf, main } from "../../main.ts";
import { helpText } from "../../src/commands/mod.ts";
import { commands } from "../../src/commands/mod.ts";
import { TendError } from "../../src/errors.ts";
import { Output } from "../../src/output/output.ts";
import { VERSION } from "../../src/version.ts";
import { fromFileUrl } from "../_path.ts";
import { makeTempDir } from "../fence/_helpers.ts";

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));
const CONFIG = fromFileUrl(new URL("../../deno.json", import.meta.url));

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tend ARGS` from source in an empty temp dir. */
async function tend(args: readonly string[]): Promise<RunResult> {
  await using dir = await makeTempDir();
  const env: Record<string, string> = {
    NO_COLOR: "1",
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  };
  for (const key of ["HOME", "DENO_DIR"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", "--config", CONFIG, MAIN, ...args],
    cwd: dir.path,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}

/** An Output that is never written to by the tests below (they throw first). */
const OUT = new Output({ json: false, quiet: false, color: false });

Deno.test("VERSION equals the version in deno.json", () => {
  assert.equal(VERSION, denoJson.version);
});

Deno.test("main() throws USAGE with a did-you-mean hint for an unknown command", async () => {
  await assert.rejects(main(["stpo"], OUT), (error: unknown) => {
    assert.ok(error instanceof TendError);
    assert.equal(error.code, "USAGE");
    assert.equal(error.message, 'Cannot run "tend stpo": no such command');
    assert.equal(error.hint, 'Did you mean "tend stop"?');
    return true;
  });
});

Deno.test("main() points to --help when nothing is close", async () => {
  await assert.rejects(main(["-C", "/w", "xyzzy"], OUT), (error: unknown) => {
    assert.ok(error instanceof TendError);
    assert.equal(error.code, "USAGE");
    assert.equal(error.hint, 'See "tend --help"');
    return true;
  });
});

Deno.test("main() throws USAGE for a bad flag or a missing command", async (t) => {
  const cases: string[][] = [
    ["status", "--bogus"],
    ["--bogus", "status"],
    ["--json"],
    ["-C", "/w"],
    // Commands that take no names reject extra arguments, before anything
    // runs (the workspace does not exist: running would fail otherwise).
    ...["init", "down", "reload", "cleanup", "up"].map((command) => [
      "-C",
      "/nonexistent/tend-test",
      command,
      "extra",
    ]),
  ];
  for (const args of cases) {
    await t.step(args.join(" "), async () => {
      await assert.rejects(
        main(args, OUT),
        (error: unknown) =>
          error instanceof TendError && error.code === "USAGE",
      );
    });
  }
});

Deno.test("invocationOf() forces the exit only when the command itself asks", async (t) => {
  const cases: [string[], boolean][] = [
    [["up"], true],
    [["-C", "/w", "up", "-d"], true],
    [["--json", "up"], true],
    [["__supervise", "-C", "/w"], true],
    // A service, a directory or a positional named "up" is not `tend up`.
    [["logs", "up"], false],
    [["status", "up", "--json"], false],
    [["-C", "up", "status"], false],
    [["--config", "up", "stop", "up"], false],
    [["logs", "--", "up"], false],
  ];
  for (const [args, forced] of cases) {
    await t.step(args.join(" "), () => {
      const invocation = invocationOf(args);
      assert.equal(invocation.kind, "run");
      if (invocation.kind !== "run") return;
      assert.equal(invocation.command.forceExit === true, forced);
    });
  }
});

Deno.test("invocationOf() hands the command its arguments with the global options around its name", () => {
  const invocation = invocationOf(["-C", "/w", "logs", "-n", "3", "up"]);
  assert.ok(invocation.kind === "run");
  assert.equal(invocation.command.name, "logs");
  assert.deepEqual(invocation.argv, ["-C", "/w", "-n", "3", "up"]);
});

Deno.test("invocationOf() prints help and the version without a command", () => {
  assert.deepEqual(invocationOf(["--version"]), {
    kind: "print",
    text: `tend ${VERSION}`,
  });
  assert.deepEqual(invocationOf([]), { kind: "print", text: helpText() });
});

Deno.test("tend --help prints the help on stdout and exits 0", async (t) => {
  for (const args of [["--help"], ["-h"], [], ["help"]]) {
    await t.step(args.join(" ") || "(no arguments)", async () => {
      assert.deepEqual(await tend(args), {
        code: 0,
        stdout: `${helpText()}\n`,
        stderr: "",
      });
    });
  }
});

Deno.test("tend --version prints the version on stdout and exits 0", async () => {
  assert.deepEqual(await tend(["--version"]), {
    code: 0,
    stdout: `tend ${VERSION}\n`,
    stderr: "",
  });
});

Deno.test("tend COMMAND --help prints the command's usage and exits 0", async (t) => {
  const usage = `Usage: ${commands.get("status")!.usage}\n`;
  for (
    const args of [["status", "--help"], ["help", "status"], ["-h", "status"]]
  ) {
    await t.step(args.join(" "), async () => {
      assert.deepEqual(await tend(args), {
        code: 0,
        stdout: usage,
        stderr: "",
      });
    });
  }
});

Deno.test("tend with an unknown command prints error and hint on stderr and exits 2", async () => {
  assert.deepEqual(await tend(["stpo"]), {
    code: 2,
    stdout: "",
    stderr: 'error: Cannot run "tend stpo": no such command\n' +
      'hint: Did you mean "tend stop"?\n',
  });
});

Deno.test("tend --json with an unknown command prints a JSON error on stdout and exits 2", async () => {
  const result = await tend(["--json", "stpo"]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr, "");
  assert.deepEqual(JSON.parse(result.stdout), {
    error: {
      code: "USAGE",
      message: 'Cannot run "tend stpo": no such command',
      hint: 'Did you mean "tend stop"?',
    },
  });
});

Deno.test("tend with a bad flag prints a usage error and exits 2", async () => {
  const result = await tend(["status", "--bogus"]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    /^error: Cannot run "tend status": .*--bogus.*\nhint: See "tend status --help"\n$/,
  );
});
