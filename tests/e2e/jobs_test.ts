import assert from "node:assert/strict";
import {
  makeTempWorkspace,
  readLines,
  statusJson,
  type TempWorkspace,
  tend,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";

/** A `[[processes]]` entry running `script` with `sh -c`. */
function sh(name: string, script: string, extra = ""): string {
  return `[[processes]]
name = "${name}"
command = "sh"
args = ["-c", ${JSON.stringify(script)}]
${extra}
`;
}

/** The app: notes whether the migration had run when it started, then stays up. */
function app(ws: TempWorkspace): string {
  return sh(
    "app",
    `if [ -f ${
      ws.path("migrated")
    } ]; then echo migrated; else echo raw; fi >> ${
      ws.path("app-saw")
    }; echo app up; exec sleep 300`,
    'depends_on = ["migrate"]\nready = { log = "app up" }',
  );
}

Deno.test("a migration job gates the app: completed, then the app starts; start reruns only a named job", async () => {
  await using ws = await makeTempWorkspace();
  const runs = ws.path("runs");
  await ws.writeConfig(
    sh(
      "migrate",
      `echo migrating; sleep 0.3; echo run >> ${runs}; touch ${
        ws.path("migrated")
      }`,
      'type = "oneshot"',
    ) + app(ws),
  );

  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^completed "migrate" \(exit 0\)\nstarted "app" \(pid \d+\)\n$/,
  });
  assert.deepEqual(await readLines(ws.path("app-saw")), ["migrated"]);
  const status = await statusJson(ws);
  const migrate = status.services.find((s) => s.name === "migrate")!;
  assert.equal(migrate.status, "completed");
  assert.equal(migrate.pid, null);
  assert.equal(migrate.lastExit?.code, 0);
  assert.ok(!Number.isNaN(Date.parse(migrate.lastExit!.at)));
  const table = await tend(ws, ["status"]);
  assert.equal(table.code, 0, "completed counts as healthy");
  assert.match(table.stdout, /migrate +completed \d+(ms|s) ago/);

  // A dependency that completed is not run again; a named job is.
  assertRun(await tend(ws, ["start", "app"]), {
    code: 0,
    stderr: "",
    stdout: /"migrate" already completed\n"app" is already running/,
  });
  assert.deepEqual(await readLines(runs), ["run"]);
  assertRun(await tend(ws, ["start", "migrate"]), {
    code: 0,
    stderr: "",
    stdout: /^completed "migrate" \(exit 0\)\n$/,
  });
  assert.deepEqual(await readLines(runs), ["run", "run"]);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});

Deno.test("a job that exits non-zero fails with its log tail and the app does not start", async () => {
  await using ws = await makeTempWorkspace();
  await ws.writeConfig(
    sh(
      "migrate",
      "echo cannot reach the database; exit 3",
      'type = "oneshot"',
    ) +
      app(ws),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 1,
    stdout: "",
    stderr:
      /error: Cannot start "migrate": exited with code 3; last lines of its log:\ncannot reach the database\n/,
  });
  const status = await statusJson(ws);
  assert.deepEqual(
    status.services.map((s) => [s.name, s.status]),
    [["migrate", "failed"], ["app", "stopped"]],
  );
  assert.equal((await tend(ws, ["status"])).code, 3);
  await assert.rejects(Deno.stat(ws.path("app-saw")), Deno.errors.NotFound);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});

Deno.test('a job under restart = "on-failure" is retried with backoff until it completes', async () => {
  await using ws = await makeTempWorkspace();
  const count = ws.path("count");
  // Fails on its first run, succeeds on the second.
  await ws.writeConfig(
    sh(
      "migrate",
      `n=$(cat ${count} 2>/dev/null || echo 0); echo $((n+1)) > ${count}; [ "$n" -ge 1 ] && touch ${
        ws.path("migrated")
      }`,
      'type = "oneshot"\nrestart = "on-failure"\nrestart_delay = "50ms"',
    ) + app(ws),
  );
  assertRun(await tend(ws, ["start"]), {
    code: 0,
    stderr: "",
    stdout: /^completed "migrate" \(exit 0\)\nstarted "app" \(pid \d+\)\n$/,
  });
  assert.deepEqual(await readLines(count), ["2"]);
  assert.deepEqual(await readLines(ws.path("app-saw")), ["migrated"]);
  const migrate = (await statusJson(ws)).services.find((s) =>
    s.name === "migrate"
  )!;
  assert.equal(migrate.status, "completed");
  assert.equal(migrate.restarts, 1);
  assertRun(await tend(ws, ["down"]), { code: 0, stdout: /^/, stderr: /^/ });
});
