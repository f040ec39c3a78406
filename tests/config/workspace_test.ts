import assert from "node:assert/strict";
import { join } from "node:path";
import { findWorkspace } from "../../src/config/workspace.ts";
import { TendError } from "../../src/errors.ts";
import { makeTempDir } from "./_helpers.ts";

async function touch(path: string): Promise<string> {
  await Deno.writeTextFile(path, "");
  return path;
}

async function findError(
  options: Parameters<typeof findWorkspace>[0],
): Promise<TendError> {
  const error = await findWorkspace(options).then(
    () => assert.fail("found a workspace"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof TendError);
  assert.equal(error.code, "CONFIG_INVALID");
  return error;
}

Deno.test("findWorkspace() walks up from cwd to the first tend.toml", async () => {
  await using dir = await makeTempDir();
  const deep = join(dir.path, "a", "b", "c");
  await Deno.mkdir(deep, { recursive: true });
  const outer = await touch(join(dir.path, "tend.toml"));
  const inner = await touch(join(dir.path, "a", "tend.toml"));
  assert.deepEqual(await findWorkspace({ cwd: deep }), {
    root: join(dir.path, "a"),
    configFile: inner,
  });
  assert.deepEqual(await findWorkspace({ cwd: dir.path }), {
    root: dir.path,
    configFile: outer,
  });
});

Deno.test("findWorkspace() accepts mi7soft-daemon's daemon.toml", async () => {
  await using dir = await makeTempDir();
  const configFile = await touch(join(dir.path, "daemon.toml"));
  await Deno.mkdir(join(dir.path, "sub"));
  assert.deepEqual(await findWorkspace({ cwd: join(dir.path, "sub") }), {
    root: dir.path,
    configFile,
  });
});

Deno.test("findWorkspace() prefers tend.toml to daemon.toml in one directory", async () => {
  await using dir = await makeTempDir();
  await touch(join(dir.path, "daemon.toml"));
  const configFile = await touch(join(dir.path, "tend.toml"));
  assert.deepEqual(await findWorkspace({ cwd: dir.path }), {
    root: dir.path,
    configFile,
  });
});

Deno.test("findWorkspace() skips a directory named tend.toml", async () => {
  await using dir = await makeTempDir();
  await Deno.mkdir(join(dir.path, "sub", "tend.toml"), { recursive: true });
  const configFile = await touch(join(dir.path, "tend.toml"));
  assert.deepEqual(await findWorkspace({ cwd: join(dir.path, "sub") }), {
    root: dir.path,
    configFile,
  });
});

Deno.test("findWorkspace() fails with a hint when no directory has a config", async () => {
  await using dir = await makeTempDir();
  const error = await findError({ cwd: dir.path });
  assert.equal(
    error.message,
    `Cannot find a workspace: no tend.toml in "${dir.path}" or any parent directory`,
  );
  assert.equal(error.hint, 'Run "tend init" to create one, or pass -C DIR');
});

Deno.test("findWorkspace() uses -C DIR relative to cwd, without walking up", async () => {
  await using dir = await makeTempDir();
  await touch(join(dir.path, "tend.toml"));
  await Deno.mkdir(join(dir.path, "app"));
  const configFile = await touch(join(dir.path, "app", "daemon.toml"));
  assert.deepEqual(await findWorkspace({ cwd: dir.path, workspace: "app" }), {
    root: join(dir.path, "app"),
    configFile,
  });
  await Deno.mkdir(join(dir.path, "empty"));
  const error = await findError({ cwd: dir.path, workspace: "empty" });
  assert.equal(
    error.message,
    `Cannot find a workspace: no tend.toml in "${join(dir.path, "empty")}"`,
  );
});

Deno.test("findWorkspace() rejects a -C DIR that does not exist", async () => {
  await using dir = await makeTempDir();
  const error = await findError({ cwd: dir.path, workspace: "nope" });
  assert.equal(
    error.message,
    `Cannot use workspace "${join(dir.path, "nope")}": directory not found`,
  );
});

Deno.test("findWorkspace() resolves symlinks in the root", async () => {
  await using dir = await makeTempDir();
  await Deno.mkdir(join(dir.path, "real"));
  const configFile = await touch(join(dir.path, "real", "tend.toml"));
  await Deno.symlink(join(dir.path, "real"), join(dir.path, "link"));
  assert.deepEqual(await findWorkspace({ cwd: dir.path, workspace: "link" }), {
    root: join(dir.path, "real"),
    configFile,
  });
  assert.deepEqual(await findWorkspace({ cwd: join(dir.path, "link") }), {
    root: join(dir.path, "real"),
    configFile,
  });
});

Deno.test("findWorkspace() takes -c FILE relative to cwd, in the file's directory", async () => {
  await using dir = await makeTempDir();
  await Deno.mkdir(join(dir.path, "conf"));
  const configFile = await touch(join(dir.path, "conf", "prod.toml"));
  assert.deepEqual(
    await findWorkspace({ cwd: dir.path, config: "conf/prod.toml" }),
    {
      root: join(dir.path, "conf"),
      configFile,
    },
  );
});

Deno.test("findWorkspace() takes -c FILE with -C DIR as the root", async () => {
  await using dir = await makeTempDir();
  await Deno.mkdir(join(dir.path, "conf"));
  await Deno.mkdir(join(dir.path, "app"));
  const configFile = await touch(join(dir.path, "conf", "prod.toml"));
  assert.deepEqual(
    await findWorkspace({
      cwd: dir.path,
      config: "conf/prod.toml",
      workspace: "app",
    }),
    { root: join(dir.path, "app"), configFile },
  );
});

Deno.test("findWorkspace() keeps the name of a symlinked -c FILE", async () => {
  await using dir = await makeTempDir();
  await Deno.mkdir(join(dir.path, "app"));
  await touch(join(dir.path, "shared.toml"));
  await Deno.symlink(
    join(dir.path, "shared.toml"),
    join(dir.path, "app", "tend.toml"),
  );
  assert.deepEqual(
    await findWorkspace({ cwd: dir.path, config: "app/tend.toml" }),
    {
      root: join(dir.path, "app"),
      configFile: join(dir.path, "app", "tend.toml"),
    },
  );
});

Deno.test("findWorkspace() rejects a -c FILE that does not exist", async (t) => {
  await using dir = await makeTempDir();
  for (const config of ["missing.toml", "no/such/dir/tend.toml"]) {
    await t.step(config, async () => {
      const error = await findError({ cwd: dir.path, config });
      assert.equal(
        error.message,
        `Cannot load config "${join(dir.path, config)}": file not found`,
      );
    });
  }
});
