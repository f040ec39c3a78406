import assert from "node:assert/strict";
import { makeTempWorkspace, type TempWorkspace, tend } from "../_helpers.ts";
import { runTool, skipWithout, verifySystemdUnits } from "../_tools.ts";
import { assertRun } from "./_assert.ts";

/** A config with values that need escaping in both formats. */
async function writeConfig(ws: TempWorkspace): Promise<void> {
  await Deno.mkdir(ws.path("my site"));
  const q = JSON.stringify;
  await ws.writeConfig(`
[[processes]]
name = "db"
command = ${q(Deno.execPath())}
args = ["run", "db.ts", "--port", "{port}"]
port = 5432
ready = { tcp = "{port}" }
image = "denoland/deno:2.1.4"

[[processes]]
name = "web"
command = "sh"
args = ["-c", "echo \\"$GREETING\\" 50% && sleep 1000"]
working_directory = "my site"
port = 8642
env = { GREETING = "it's $HOME 100% \\"ok\\"" }
depends_on = ["db"]
ready = { http = "http://127.0.0.1:{port}/health" }
stop_signal = "INT"
stop_timeout = "15s"
restart = "always"
`);
}

Deno.test({
  name: "tend export systemd writes units that systemd-analyze verifies",
  ignore: skipWithout("systemd-analyze"),
  fn: async () => {
    await using ws = await makeTempWorkspace();
    await writeConfig(ws);
    const result = await tend(ws, ["export", "systemd", "--out", "units"]);
    const prefix = `tend-${ws.dir.split("/").at(-1)}`;
    assertRun(result, {
      code: 0,
      stdout: "",
      stderr: new RegExp(
        `warning: "db": ready \\(tcp\\) is not carried over[^]*wrote ${
          ws.path(`units/${prefix}-db.service`)
        }\nwrote ${ws.path(`units/${prefix}-web.service`)}\n$`,
      ),
    });
    const files = [`units/${prefix}-db.service`, `units/${prefix}-web.service`]
      .map(ws.path);
    const verify = await verifySystemdUnits(files);
    assert.equal(verify.stderr, "", verify.stderr);
    assert.equal(verify.code, 0);
    const web = await Deno.readTextFile(files[1]!);
    assert.ok(web.includes(`WorkingDirectory=${ws.path("my site")}\n`), web);
    assert.ok(web.includes(`Requires=${prefix}-db.service\n`), web);
    assert.match(
      web,
      /\nExecStart=\/\S+\/sh -c "echo \\"\$\$GREETING\\" 50%% && sleep 1000"\n/,
    );
  },
});

Deno.test({
  name: "tend export compose writes a file docker-compose config accepts",
  ignore: skipWithout("docker-compose"),
  fn: async () => {
    await using ws = await makeTempWorkspace();
    await writeConfig(ws);
    const result = await tend(ws, [
      "export",
      "compose",
      "--image",
      "alpine:3.20",
      "--out",
      "out",
    ]);
    const file = ws.path("out/docker-compose.yml");
    assertRun(result, {
      code: 0,
      stdout: "",
      stderr: new RegExp(
        `warning: "db": the healthcheck runs nc inside the container[^]*\nwrote ${file}\n$`,
      ),
    });
    const config = await runTool(["docker-compose", "-f", file, "config"], {
      cwd: ws.dir,
    });
    assert.equal(config.code, 0, config.stderr);
    assert.doesNotMatch(config.stderr, /WARN|ERROR/i, config.stderr);
    for (
      const text of [
        "condition: service_healthy",
        "image: denoland/deno:2.1.4",
        "image: alpine:3.20",
        "stop_grace_period: 15s",
        "stop_signal: SIGINT",
        `working_dir: ${ws.path("my site")}`,
        `GREETING: it's $$HOME 100% "ok"`,
        '- echo "$$GREETING" 50% && sleep 1000',
        "published: 8642",
      ]
    ) assert.ok(config.stdout.includes(text), `${text}\n${config.stdout}`);
  },
});

Deno.test("tend export prints to stdout without --out, and lists warnings in --json", async () => {
  await using ws = await makeTempWorkspace();
  await writeConfig(ws);
  const plain = await tend(ws, ["export", "compose", "--image", "alpine"]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(
    plain.stdout,
    /^services:\n {2}db:\n {4}image: "denoland\/deno:2.1.4"\n/,
  );
  assert.match(plain.stderr, /^warning: /);
  const json = await tend(ws, ["export", "systemd", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.files.length, 2);
  assert.ok(parsed.warnings.length > 0);
  for (const warning of parsed.warnings) {
    assert.ok(json.stderr.includes(`warning: ${warning}\n`), warning);
  }
});

Deno.test("tend export refuses a service without an image and an unknown target", async () => {
  await using ws = await makeTempWorkspace();
  await writeConfig(ws);
  assertRun(await tend(ws, ["export", "compose"]), {
    code: 2,
    stdout: "",
    stderr:
      'error: Cannot export to Compose: "web" names no image\nhint: Add image = "..." to the service in tend.toml, or pass --image IMAGE\n',
  });
  assertRun(await tend(ws, ["export", "k8s"]), {
    code: 2,
    stdout: "",
    stderr:
      /^error: Cannot run "tend export": expected systemd or compose, got "k8s"\n/,
  });
});
