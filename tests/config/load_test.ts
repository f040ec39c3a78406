import assert from "node:assert/strict";
import { join } from "node:path";
import { configFileLoader, loadConfig } from "../../src/config/load.ts";
import { parseConfigText } from "../../src/config/validate.ts";
import { TendError } from "../../src/errors.ts";
import { makeTempDir, web } from "./_helpers.ts";

const MI7SOFT_1 = `
[daemon]
pid_file = "/var/run/mi7soft-daemon.pid"
log_file = "/var/log/mi7soft-daemon.log"
check_interval = 3

[[processes]]
name = "my-service"
command = "/usr/bin/my-service"
args = ["--config", "/etc/config.yml"]
working_directory = "/opt/my-service"
auto_restart = true
max_instances = 1

[[processes]]
name = "web-server"
command = "python3"
args = ["-m", "http.server", "8080"]
working_directory = "/var/www"
auto_restart = true
`;

const MI7SOFT_2 = `
[daemon]
pid_file = "/var/run/mi7soft-daemon.pid"
log_file = "/var/log/mi7soft-daemon.log"
check_interval = 3

[[processes]]
name = "my-service"
command = "/usr/bin/my-service"
args = ["--config", "/etc/config.yml"]
working_directory = "/opt/my-service"
auto_restart = true
max_instances = 1
capture_output = true
log_file = "/var/log/my-service.log"
max_log_size = 10485760
check_interval = 3
`;

Deno.test("loadConfig() reads mi7soft-daemon's example configs unchanged", async (t) => {
  await using dir = await makeTempDir();
  await t.step("example 1", async () => {
    const file = join(dir.path, "daemon.toml");
    await Deno.writeTextFile(file, MI7SOFT_1);
    const config = await loadConfig(file);
    assert.equal(config.root, dir.path);
    assert.equal(config.file, file);
    assert.deepEqual(config.daemon, {
      pidFile: "/var/run/mi7soft-daemon.pid",
      logFile: "/var/log/mi7soft-daemon.log",
      checkIntervalMs: 3_000,
      http: null,
      httpAllowRemote: false,
      logMaxBytes: 10 * 1024 * 1024,
      logBackups: 5,
    });
    assert.deepEqual(
      config.services.map((s) => [s.name, s.command, s.args, s.cwd, s.restart]),
      [
        [
          "my-service",
          "/usr/bin/my-service",
          ["--config", "/etc/config.yml"],
          "/opt/my-service",
          "always",
        ],
        [
          "web-server",
          "python3",
          ["-m", "http.server", "8080"],
          "/var/www",
          "always",
        ],
      ],
    );
    assert.equal(
      config.services[1]?.logFile,
      join(dir.path, ".tend/log/web-server.log"),
    );
  });
  await t.step("example 2", async () => {
    const file = join(dir.path, "daemon2.toml");
    await Deno.writeTextFile(file, MI7SOFT_2);
    const [service] = (await loadConfig(file)).services;
    assert.equal(service?.logFile, "/var/log/my-service.log");
    assert.equal(service?.logMaxBytes, 10_485_760);
    assert.equal(service?.checkIntervalMs, 3_000);
    assert.equal(service?.restart, "always");
  });
});

Deno.test("loadConfig() resolves paths against the workspace when one is given", async () => {
  await using dir = await makeTempDir();
  const file = join(dir.path, "tend.toml");
  await Deno.writeTextFile(file, web('working_directory = "site"'));
  const config = await loadConfig(file, { workspace: "/srv/app" });
  assert.equal(config.root, "/srv/app");
  assert.equal(config.services[0]?.cwd, "/srv/app/site");
  assert.equal(config.daemon.logFile, "/srv/app/.tend/log/tend.log");
});

async function loadError(file: string): Promise<TendError> {
  const error = await loadConfig(file).then(
    () => assert.fail("loaded"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof TendError);
  return error;
}

Deno.test("loadConfig() reports a missing file", async () => {
  await using dir = await makeTempDir();
  const file = join(dir.path, "tend.toml");
  const error = await loadError(file);
  assert.equal(error.code, "CONFIG_INVALID");
  assert.equal(error.message, `Cannot load config "${file}": file not found`);
});

Deno.test("loadConfig() reports a directory", async () => {
  await using dir = await makeTempDir();
  const error = await loadError(dir.path);
  assert.equal(error.code, "CONFIG_INVALID");
  assert.equal(
    error.message,
    `Cannot load config "${dir.path}": is a directory`,
  );
});

Deno.test("loadConfig() reports text that is not UTF-8", async () => {
  await using dir = await makeTempDir();
  const file = join(dir.path, "tend.toml");
  await Deno.writeFile(file, new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0xff]));
  const error = await loadError(file);
  assert.equal(
    error.message,
    `Cannot load config "${file}": not valid UTF-8 text`,
  );
});

Deno.test({
  name: "loadConfig() reports an unreadable file as PERMISSION_DENIED",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using dir = await makeTempDir();
    const file = join(dir.path, "tend.toml");
    await Deno.writeTextFile(file, web());
    await Deno.chmod(file, 0o000);
    const readable = await Deno.readFile(file).then(() => true, () => false);
    if (readable) return; // root reads any file: nothing to check here
    const error = await loadError(file);
    assert.equal(error.code, "PERMISSION_DENIED");
    assert.equal(
      error.message,
      `Cannot load config "${file}": permission denied`,
    );
  },
});

Deno.test("loadConfig() includes the file name in syntax errors", async () => {
  await using dir = await makeTempDir();
  const file = join(dir.path, "tend.toml");
  await Deno.writeTextFile(file, "[[processes]\n");
  const error = await loadError(file);
  assert.match(
    error.message,
    new RegExp(
      `^Cannot load config "${file}": invalid TOML at line 1, column \\d+: `,
    ),
  );
});

Deno.test("parseConfigText() reads an empty file as a workspace with no services", () => {
  const config = parseConfigText("", { file: "/a/tend.toml", workspace: "/a" });
  assert.deepEqual(config.services, []);
});

Deno.test("configFileLoader() parses again only when the file's text changed", async () => {
  await using dir = await makeTempDir();
  const file = join(dir.path, "tend.toml");
  await Deno.writeTextFile(file, web("port = 8000"));
  const load = configFileLoader(file);
  const first = await load();
  assert.equal(await load(), first, "the same text gives the same config");
  await Deno.writeTextFile(file, web("port = 8001"));
  const second = await load();
  assert.equal(second.services[0]?.port, 8001);
  await Deno.writeTextFile(file, web("comand = 1"));
  await assert.rejects(
    load(),
    (error) => error instanceof TendError && error.code === "CONFIG_INVALID",
  );
  await Deno.remove(file);
  await assert.rejects(load(), /file not found/);
});
