import assert from "node:assert/strict";
import {
  cliEnv,
  decodeOutput,
  fixtureService,
  isAlive,
  makeTempWorkspace,
  readPids,
  type RunResult,
  statusJson,
  type TempWorkspace,
  tendArgv,
  waitForLines,
} from "../_helpers.ts";
import { fromFileUrl } from "../_path.ts";
import { assertRun } from "./_assert.ts";

const UMASK_FIXTURE = fromFileUrl(
  new URL("../fixtures/umask_exec.ts", import.meta.url),
);

/** The first of `candidates` that exists, or null. */
function findFile(candidates: readonly string[]): string | null {
  for (const file of candidates) {
    try {
      Deno.statSync(file);
      return file;
    } catch {
      // Not there; try the next.
    }
  }
  return null;
}

const SETPRIV = findFile(["/usr/bin/setpriv", "/bin/setpriv"]);
/** A system python3 that `nobody` can run (not a shim under a home). */
const PYTHON = findFile([
  "/usr/bin/python3",
  "/usr/local/bin/python3",
  "/bin/python3",
]);
/** Why a test that needs another user cannot run here, or null. */
const NO_OTHER_USER = SETPRIV === null
  ? "setpriv is missing"
  : PYTHON === null
  ? "no system python3"
  : Deno.uid() !== 0
  ? "only root can run a process as nobody"
  : null;
const NOBODY = 65534;

/** A test name's note on why it is ignored here, if it is. */
function skipped(reason: string | null): string {
  return reason === null ? "" : ` (ignored: ${reason})`;
}
const CONNECT = "import socket, sys\n" +
  "s = socket.socket(socket.AF_UNIX)\n" +
  "s.connect(sys.argv[1])\n" +
  "print('connected')\n";

/** Runs `tend ARGS` in `ws` under the umask `mask` (octal). */
async function tendWithUmask(
  ws: TempWorkspace,
  mask: string,
  args: readonly string[],
): Promise<RunResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      UMASK_FIXTURE,
      mask,
      Deno.execPath(),
      ...tendArgv(args),
    ],
    cwd: ws.dir,
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}

/** Asserts `path` is ours, of this kind, with exactly `mode` as permissions. */
async function assertMode(
  path: string,
  kind: "directory" | "file" | "socket",
  mode: number,
): Promise<void> {
  const info = await Deno.lstat(path);
  const actual = kind === "directory"
    ? info.isDirectory
    : kind === "file"
    ? info.isFile
    : info.isSocket;
  assert.ok(actual, `${path} is not a ${kind}`);
  assert.equal(info.uid, Deno.uid(), `${path} is not ours`);
  assert.equal(
    (info.mode! & 0o7777).toString(8),
    mode.toString(8),
    `mode of ${path}`,
  );
}

/** Runs python's unix-socket connect to `path` as nobody. */
async function connectAsNobody(path: string): Promise<RunResult> {
  const output = await new Deno.Command(SETPRIV!, {
    args: [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      PYTHON!,
      "-I",
      "-c",
      CONNECT,
      path,
    ],
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", LC_ALL: "C" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeOutput(output);
}

for (const umask of ["022", "000"]) {
  Deno.test(`tend start under umask ${umask} makes .tend/run 0700 and its files and socket 0600`, async () => {
    await using ws = await makeTempWorkspace();
    const marker = ws.path("web.marker");
    await ws.writeConfig(fixtureService("web", ["--marker", marker]));
    const start = await tendWithUmask(ws, umask, ["start"]);
    assertRun(start, {
      code: 0,
      stdout: /^started "web" \(pid \d+\)\n$/,
      stderr: "",
    });
    const pid = Number(/\(pid (\d+)\)/.exec(start.stdout)![1]);
    // Started is up for min_ready (100 ms): the marker may come later.
    await waitForLines(marker, 1);
    assert.deepEqual(await readPids(marker), [pid]);
    assert.ok(isAlive(pid));

    const run = ws.path(".tend/run");
    await assertMode(ws.path(".tend"), "directory", 0o700);
    await assertMode(run, "directory", 0o700);
    await assertMode(`${run}/tend.sock`, "socket", 0o600);
    const files = [
      "state.json",
      "supervisor.pid",
      "supervisor.json",
      "supervisor.lock",
      "web.pid",
    ];
    for (const name of files) await assertMode(`${run}/${name}`, "file", 0o600);

    // state.json is rewritten (temp file + rename) when the service stops.
    assertRun(await tendWithUmask(ws, umask, ["stop"]), {
      code: 0,
      stdout: 'stopped "web"\n',
      stderr: "",
    });
    assert.ok(!isAlive(pid));
    await assertMode(`${run}/state.json`, "file", 0o600);
    for await (const entry of Deno.readDir(run)) {
      // The supervisor may rename a temp file away meanwhile.
      const info = await Deno.lstat(`${run}/${entry.name}`).catch((error) => {
        if (error instanceof Deno.errors.NotFound) return null;
        throw error;
      });
      if (info === null) continue;
      assert.equal(
        info.mode! & 0o077,
        0,
        `${entry.name} is open to others: ${(info.mode! & 0o7777).toString(8)}`,
      );
    }
  });
}

Deno.test({
  name: "tend.sock refuses a connection from another user" +
    skipped(NO_OTHER_USER),
  ignore: NO_OTHER_USER !== null,
  async fn() {
    await using ws = await makeTempWorkspace();
    const marker = ws.path("web.marker");
    await ws.writeConfig(fixtureService("web", ["--marker", marker]));
    // Under umask 000 nothing but tend's own modes keeps others out.
    assertRun(await tendWithUmask(ws, "000", ["start"]), {
      code: 0,
      stdout: /^started "web" \(pid \d+\)\n$/,
      stderr: "",
    });
    assert.equal((await waitForLines(marker, 1)).length, 1);
    // Let nobody reach the workspace, so only tend's own modes stand between.
    await Deno.chmod(ws.dir, 0o755);
    const socket = ws.path(".tend/run/tend.sock");

    // Control: nobody can connect to a socket that lets it.
    const open = ws.path("open.sock");
    const listener = Deno.listen({ transport: "unix", path: open });
    try {
      await Deno.chmod(open, 0o666);
      assertRun(await connectAsNobody(open), {
        code: 0,
        stdout: "connected\n",
        stderr: "",
      });
    } finally {
      listener.close();
    }

    // Through the workspace: .tend/run (0700) refuses.
    assertRun(await connectAsNobody(socket), {
      code: 1,
      stdout: "",
      stderr: /PermissionError: \[Errno 13\] Permission denied\n$/,
    });

    // Through a hard link in a directory open to all: the socket's own 0600 refuses.
    const exposed = ws.path("exposed.sock");
    await Deno.link(socket, exposed);
    try {
      assertRun(await connectAsNobody(exposed), {
        code: 1,
        stdout: "",
        stderr: /PermissionError: \[Errno 13\] Permission denied\n$/,
      });
    } finally {
      await Deno.remove(exposed);
    }

    const status = await statusJson(ws);
    assert.equal(status.supervisor.status, "running");
    assert.equal(status.services[0]?.status, "running");
  },
});
