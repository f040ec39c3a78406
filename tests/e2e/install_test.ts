import assert from "node:assert/strict";
import { fromFileUrl } from "../_path.ts";
import {
  cliEnv,
  decodeOutput,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  type RunResult,
  taggedProcesses,
  waitFor,
} from "../_helpers.ts";
import { assertRun } from "./_assert.ts";
import { SUPERVISOR_V8_FLAGS } from "../../src/client/self_command.ts";

const ROOT = fromFileUrl(new URL("../../", import.meta.url));

/**
 * `deno install -g -A --v8-flags=… -n tend --root ROOT ENTRY`, as the
 * README says; returns the installed command.
 */
async function installTend(root: string, entry: string): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "install",
      "-g",
      "-A",
      `--v8-flags=${SUPERVISOR_V8_FLAGS}`,
      "-n",
      "tend",
      "--root",
      root,
      entry,
    ],
    cwd: root,
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const run = decodeOutput(output);
  assert.equal(run.code, 0, run.stderr);
  return `${root}/bin/tend`;
}

/** Runs the installed `tend` in `cwd`, with deno on PATH as a user has it. */
async function runInstalled(
  command: string,
  options: { cwd: string; args: string[] },
): Promise<RunResult> {
  const bin = Deno.execPath().slice(0, Deno.execPath().lastIndexOf("/"));
  const env = cliEnv();
  const output = await new Deno.Command(command, {
    args: options.args,
    cwd: options.cwd,
    clearEnv: true,
    env: { ...env, PATH: `${bin}:${env.PATH}` },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}

/** Installs tend from `entry`, then start, status --json, down in a workspace. */
async function checkInstalled(entry: (root: string) => string): Promise<void> {
  await using ws = await makeTempWorkspace();
  const marker = ws.path("web.marker");
  await ws.writeConfig(fixtureService("web", ["--marker", marker]));
  const root = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "tend-install-" }),
  );
  try {
    const tend = await installTend(root, entry(root));
    const shim = await Deno.readTextFile(tend);
    assert.match(shim, /deno run --allow-all/);

    const start = await runInstalled(tend, { cwd: ws.dir, args: ["start"] });
    assertRun(start, {
      code: 0,
      stderr: "",
      stdout: /^started "web" \(pid \d+\)\n$/,
    });
    await waitFor(async () => (await readPids(marker)).length > 0, {
      message: "the service to write its marker",
    });
    const pid = (await readPids(marker))[0]!;

    const status = await runInstalled(tend, {
      cwd: ws.dir,
      args: ["status", "--json"],
    });
    assertRun(status, { code: 0, stdout: /^\{/, stderr: "" });
    const shown = JSON.parse(status.stdout);
    assert.equal(shown.supervisor.status, "running");
    assert.equal(shown.services[0].status, "running");
    assert.equal(shown.services[0].pid, pid);

    const down = await runInstalled(tend, { cwd: ws.dir, args: ["down"] });
    assertRun(down, {
      code: 0,
      stderr: "supervisor stopped\n",
      stdout: 'stopped "web"\n',
    });
    assert.ok(!isAlive(pid), `pid ${pid} is gone`);
    assert.deepEqual(await taggedProcesses(ws.dir), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("deno install -g of main.ts by path gives a working tend command", async () => {
  await checkInstalled(() => `${ROOT}main.ts`);
});

Deno.test("deno install -g of main.ts by URL gives a working tend command", async () => {
  // Serves the repository over HTTP, as a git host's raw files would.
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response(null, { status: 403 });
    try {
      return new Response(await Deno.readFile(`${ROOT}${path.slice(1)}`), {
        headers: {
          "content-type": path.endsWith(".ts")
            ? "application/typescript"
            : "application/json",
        },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
  try {
    await checkInstalled(() => `http://127.0.0.1:${server.addr.port}/main.ts`);
  } finally {
    await server.shutdown();
  }
});
