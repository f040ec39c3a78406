import assert from "node:assert/strict";
import {
  cliEnv,
  denoFixtureService,
  isAlive,
  MAIN,
  makeTempWorkspace,
  readPids,
  SLEEPER_FIXTURE,
  tend,
  waitFor,
} from "../_helpers.ts";
import { parseExecLine, unitValue } from "../_systemd_exec.ts";
import { parsePlist } from "../_plist.ts";
import {
  hasTool,
  runTool,
  skipWithout,
  verifySystemdUnits,
} from "../_tools.ts";
import { assertRun } from "./_assert.ts";
import { SUPERVISOR_V8_FLAGS } from "../../src/client/self_command.ts";

const TOML = `[[processes]]
name = "web"
command = "sleep"
args = ["1000"]
stop_timeout = "75s"
`;

Deno.test({
  name:
    "tend service install writes a systemd unit that systemd-analyze verifies, idempotently",
  ignore: skipWithout("systemd-analyze"),
  fn: async () => {
    await using ws = await makeTempWorkspace();
    // A directory name systemd must see escaped: a space and a percent sign.
    const root = ws.path("my shop 100%");
    await Deno.mkdir(root);
    await Deno.writeTextFile(`${root}/tend.toml`, TOML);
    const units = ws.path("units");
    const install = ["service", "install", "--unit-dir", units];

    const first = await tend(root, install);
    assertRun(first, {
      code: 0,
      stdout: /^wrote .*\/units\/tend-my_shop_100_-[0-9a-f]{8}\.service\n$/,
      stderr:
        "not enabled: --unit-dir names a directory the service manager does not read\n",
    });
    const file = first.stdout.trim().slice("wrote ".length);
    const unit = await Deno.readTextFile(file);
    const escaped = root.replaceAll("%", "%%");
    assert.ok(unit.includes(`WorkingDirectory=${escaped}\n`), unit);
    assert.ok(
      unit.includes(`${MAIN} -C "${escaped}" up --quiet\n`),
      unit,
    );
    assert.ok(unit.includes("TimeoutStopSec=105s\n"), unit);

    const verify = await verifySystemdUnits([file]);
    assert.equal(verify.stderr, "", verify.stderr);
    assert.equal(verify.code, 0);

    assertRun(await tend(root, install), {
      code: 0,
      stdout: `${file} is up to date\n`,
      stderr: /^not enabled/,
    });
    assertRun(await tend(root, ["service", "status", "--unit-dir", units]), {
      code: 0,
      stdout: `installed: ${file}\n`,
      stderr: "",
    });
    const json = await tend(root, [
      "service",
      "status",
      "--unit-dir",
      units,
      "--json",
    ]);
    assert.equal(json.code, 0);
    assert.equal(JSON.parse(json.stdout).state, "installed");

    await Deno.writeTextFile(file, unit.replace("TimeoutStopSec", "#"));
    assertRun(await tend(root, ["service", "status", "--unit-dir", units]), {
      code: 0,
      stdout: /^outdated: /,
      stderr: "",
    });
    assertRun(await tend(root, install), {
      code: 0,
      stdout: `updated ${file}\n`,
      stderr: /^not enabled/,
    });
    assert.equal(await Deno.readTextFile(file), unit);

    assertRun(await tend(root, ["service", "uninstall", "--unit-dir", units]), {
      code: 0,
      stdout: `removed ${file}\n`,
      stderr: "",
    });
    assertRun(await tend(root, ["service", "status", "--unit-dir", units]), {
      code: 3,
      stdout: `no boot unit at ${file}\n`,
      stderr: "",
    });
  },
});

Deno.test({
  name:
    "tend service install --system writes a system unit that systemd-analyze verifies",
  ignore: skipWithout("systemd-analyze"),
  fn: async () => {
    await using ws = await makeTempWorkspace(TOML);
    const units = ws.path("units");
    const result = await tend(ws, [
      "service",
      "install",
      "--system",
      "--unit-dir",
      units,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const file = result.stdout.trim().slice("wrote ".length);
    const unit = await Deno.readTextFile(file);
    assert.ok(unit.includes("WantedBy=multi-user.target\n"));
    const verify = await verifySystemdUnits([file]);
    assert.equal(verify.stderr, "", verify.stderr);
  },
});

Deno.test("tend service install --manager launchd writes a well-formed launchd agent", async () => {
  await using ws = await makeTempWorkspace(TOML);
  const agents = ws.path("agents");
  const result = await tend(ws, [
    "service",
    "install",
    "--manager",
    "launchd",
    "--unit-dir",
    agents,
  ]);
  assertRun(result, {
    code: 0,
    stdout:
      /^wrote .*\/agents\/dev\.tend\.tend-tend-test-\w+-[0-9a-f]{8}\.plist\n$/,
    stderr: /^not enabled/,
  });
  const file = result.stdout.trim().slice("wrote ".length);
  const text = await Deno.readTextFile(file);
  if (hasTool("plutil")) {
    const lint = await runTool(["plutil", "-lint", file]);
    assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  }
  const plist = parsePlist(text) as Record<string, unknown>;
  assert.match(String(plist.Label), /^dev\.tend\.tend-tend-test-/);
  const args = plist.ProgramArguments as string[];
  assert.deepEqual(args.slice(-4), ["-C", ws.dir, "up", "--quiet"]);
  assert.equal(plist.WorkingDirectory, ws.dir);
  assert.deepEqual(plist.KeepAlive, { SuccessfulExit: false });
  assert.equal(plist.ExitTimeOut, 105);
  assert.equal(plist.StandardOutPath, ws.path(".tend/log/tend.log"));
  assert.throws(() => parsePlist(text.replace("</array>", "")), SyntaxError);
});

Deno.test("tend service rejects an unknown verb and an unknown manager", async () => {
  await using ws = await makeTempWorkspace(TOML);
  assertRun(await tend(ws, ["service", "enable"]), {
    code: 2,
    stdout: "",
    stderr:
      /^error: Cannot run "tend service": expected install, uninstall or status, got "enable"\n/,
  });
  assertRun(await tend(ws, ["service", "install", "--manager", "upstart"]), {
    code: 2,
    stdout: "",
    stderr:
      /^error: Cannot use --manager "upstart": expected systemd or launchd\n/,
  });
});

Deno.test("the boot unit's ExecStart runs tend up for the workspace and its ExecStop stops everything", async () => {
  await using ws = await makeTempWorkspace();
  const root = ws.path("my shop 100%");
  await Deno.mkdir(root);
  const marker = ws.path("sleeper.pid");
  await Deno.writeTextFile(
    `${root}/tend.toml`,
    denoFixtureService("sleeper", SLEEPER_FIXTURE, { args: [marker] }),
  );
  const installed = await tend(root, [
    "service",
    "install",
    "--unit-dir",
    ws.path("units"),
  ]);
  assert.equal(installed.code, 0, installed.stderr);
  const unit = await Deno.readTextFile(installed.stdout.trim().slice(6));
  const start = parseExecLine(unitValue(unit, "ExecStart"));
  const stop = parseExecLine(unitValue(unit, "ExecStop"));
  assert.deepEqual(start.slice(-4), ["-C", root, "up", "--quiet"]);
  // From source, with the supervisor's V8 flags, as a compiled tend has them.
  assert.ok(start.includes(`--v8-flags=${SUPERVISOR_V8_FLAGS}`), unit);
  assert.equal(unitValue(unit, "WorkingDirectory").replaceAll("%%", "%"), root);

  // What systemd would do: run ExecStart in WorkingDirectory, later ExecStop.
  const up = new Deno.Command(start[0]!, {
    args: start.slice(1),
    cwd: root,
    clearEnv: true,
    env: cliEnv({ TEND_SUPERVISOR: ws.dir }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await waitFor(async () => (await readPids(marker)).length > 0, {
    message: "the unit's tend up to start the sleeper",
  });
  const [sleeper] = await readPids(marker);
  const down = await new Deno.Command(stop[0]!, {
    args: stop.slice(1),
    cwd: root,
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(down.code, 0, new TextDecoder().decode(down.stderr));
  const exited = await up.output();
  // Exit 0: Restart=on-failure does not start it again after a stop.
  assert.equal(exited.code, 0, new TextDecoder().decode(exited.stderr));
  assert.equal(new TextDecoder().decode(exited.stdout), "");
  assert.ok(!isAlive(sleeper!), "the service survived ExecStop");
});
