/**
 * A tend.toml or env_file that is not a regular file (a FIFO, whose read
 * waits for a writer that never comes) or is too large is refused with
 * CONFIG_INVALID at once, by the CLI and by a running supervisor, and what
 * runs keeps running; a FIFO in place of a log is named, not waited on.
 */
import assert from "node:assert/strict";
import {
  fixtureService,
  isAlive,
  makeTempWorkspace,
  type RunResult,
  statusJson,
  type TempWorkspace,
  tend,
  WAIT_MS,
  waitForLines,
} from "../_helpers.ts";
import { assertJsonError } from "./_assert.ts";

/**
 * `tend ARGS` in `where`, failing the test if it has not ended by
 * {@linkcode WAIT_MS}: a read stuck on a FIFO never ends.
 */
function tendWithin(
  where: TempWorkspace | string,
  args: readonly string[],
): Promise<RunResult> {
  return tend(where, args, { deadlineMs: WAIT_MS });
}

async function mkfifo(path: string): Promise<void> {
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
}

Deno.test("a tend.toml replaced by a FIFO: status, restart, start and down answer at once, the service runs on", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(fixtureService("a", ["--marker", marker]));
  const started = await tendWithin(ws, ["start"]);
  assert.equal(started.code, 0, JSON.stringify(started));
  await waitForLines(marker, 1); // the service really ran
  const [a] = (await statusJson(ws)).services;

  await Deno.remove(ws.path("tend.toml"));
  await mkfifo(ws.path("tend.toml"));
  const status = await tendWithin(ws, ["status", "--json"]);
  assert.equal(status.code, 0, JSON.stringify(status));
  const body = JSON.parse(status.stdout);
  assert.equal(body.services[0].pid, a!.pid);
  assert.match(body.configDrift.error, /it is a FIFO, not a regular file$/);
  for (const args of [["restart", "a"], ["start"]]) {
    assertJsonError(await tendWithin(ws, [...args, "--json"]), {
      code: 4,
      errorCode: "CONFIG_INVALID",
      message:
        /^Cannot load config "[^"]*tend\.toml": it is a FIFO, not a regular file$/,
    });
  }
  assert.ok(isAlive(a!.pid!), "a kept its process");

  const down = await tendWithin(ws, ["down"]);
  assert.equal(down.code, 0, JSON.stringify(down));
  assert.match(down.stdout + down.stderr, /^stopped "a"$/m);
  assert.ok(!isAlive(a!.pid!), "a was stopped");
});

Deno.test("an env_file that is a FIFO fails the start with CONFIG_INVALID at once", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  await ws.writeConfig(
    fixtureService("a", ["--marker", marker], 'env_file = "a.env"'),
  );
  await mkfifo(ws.path("a.env"));
  const start = await tendWithin(ws, ["start"]);
  assert.equal(start.code, 4, JSON.stringify(start));
  assert.match(
    start.stderr,
    /Cannot read env_file "[^"]*a\.env" of "a": it is a FIFO, not a regular file/,
  );
  await assert.rejects(Deno.stat(marker), Deno.errors.NotFound, "a never ran");
  assert.equal((await tendWithin(ws, ["down"])).code, 0);
});

Deno.test("-c naming a FIFO or a directory says what it is, not that it is missing", async () => {
  await using ws = await makeTempWorkspace();
  await mkfifo(ws.path("fifo.toml"));
  for (
    const [path, what] of [["fifo.toml", "a FIFO"], [".", "a directory"]]
  ) {
    assertJsonError(
      await tendWithin(ws, ["-c", ws.path(path!), "status", "--json"]),
      {
        code: 4,
        errorCode: "CONFIG_INVALID",
        message: new RegExp(`: it is ${what}, not a regular file$`),
      },
    );
  }
});

Deno.test("a FIFO named tend.toml is the workspace's config, refused, not walked past to a parent's", async () => {
  await using ws = await makeTempWorkspace();
  // The parent holds a valid tend.toml: the FIFO below must not lead there.
  await ws.writeConfig(fixtureService("parent"));
  await Deno.mkdir(ws.path("app"));
  await mkfifo(ws.path("app/tend.toml"));
  const app = ws.path("app");
  for (const args of [["status"], ["-C", ws.path("app"), "start"]]) {
    assertJsonError(await tendWithin(app, [...args, "--json"]), {
      code: 4,
      errorCode: "CONFIG_INVALID",
      message:
        /^Cannot load config "[^"]*app\/tend\.toml": it is a FIFO, not a regular file$/,
    });
  }
  await assert.rejects(Deno.stat(ws.path("app/.tend")), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(ws.path(".tend")), Deno.errors.NotFound);
});

Deno.test("a tend.toml over 16 MiB is refused before it is read", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig("#".repeat(16 * 1024 * 1024) + "\n");
  assertJsonError(await tendWithin(ws, ["start", "--json"]), {
    code: 4,
    errorCode: "CONFIG_INVALID",
    message: /: it is 16777217 bytes, more than the 16 MiB tend reads$/,
  });
});

Deno.test("a log under .tend/log that is a FIFO: logs says what is in the way instead of waiting", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(fixtureService("a"));
  await Deno.mkdir(ws.path(".tend/log"), { recursive: true });
  await mkfifo(ws.path(".tend/log/a.log"));
  for (const args of [["logs", "a"], ["logs"], ["logs", "a", "-f"]]) {
    assertJsonError(await tendWithin(ws, [...args, "--json"]), {
      code: 7,
      errorCode: "FILE_IN_THE_WAY",
      message: /a\.log": it is a FIFO, not a regular file$/,
    });
  }
});

Deno.test("a FIFO in place of the supervisor's log: start and up say what is in the way, and nothing starts", async () => {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("marker");
  const service = fixtureService("a", ["--marker", marker]);
  await Deno.mkdir(ws.path(".tend/log"), { recursive: true });
  await mkfifo(ws.path(".tend/log/tend.log"));
  await mkfifo(ws.path("daemon.log"));
  for (
    const [toml, log] of [
      [service, ".tend/log/tend.log"],
      [`[daemon]\nlog_file = "daemon.log"\n${service}`, "daemon.log"],
    ]
  ) {
    await ws.writeConfig(toml!);
    for (const args of [["start"], ["up"]]) {
      const result = await tendWithin(ws, [...args, "--json"]);
      assertJsonError(result, {
        code: 7,
        errorCode: "FILE_IN_THE_WAY",
        message: new RegExp(
          `^Cannot use "[^"]*${log}": it is a FIFO, not a regular file$`,
        ),
      });
    }
  }
  await assert.rejects(Deno.stat(marker), Deno.errors.NotFound, "a never ran");
});
