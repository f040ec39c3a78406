/**
 * Scenario 7: permissions of what tend writes. `.tend/run` is 0700, the
 * socket 0600, state and PID files 0600, whatever the umask of the `tend
 * start` that created them (022 and 000). Another user (nobody, through
 * `setpriv`) can neither connect to the socket nor read `state.json`: as
 * laid out, and also when the directories on the way are opened up, so
 * that the files' own modes are what stops them.
 */
import { cliEnv, tendArgv } from "../../tests/_helpers.ts";
import {
  firstLine,
  makeTempWorkspace,
  Recorder,
  ROOT,
  runTool,
  type ScenarioOptions,
  type ScenarioResult,
  sleeperService,
  teardown,
  type TempWorkspace,
} from "./common.ts";

const UMASK_FIXTURE = `${ROOT}tests/fixtures/umask_exec.ts`;
const PYTHON = "/usr/bin/python3";
const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];

/** `tend start` under `umask`, through the umask fixture. */
async function startUnder(ws: TempWorkspace, umask: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      UMASK_FIXTURE,
      umask,
      Deno.execPath(),
      ...tendArgv(["-C", ws.dir, "start"]),
    ],
    clearEnv: true,
    env: cliEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return out.code === 0
    ? ""
    : `tend start under umask ${umask}: exit ${out.code}: ${
      firstLine(new TextDecoder().decode(out.stderr))
    }`;
}

/** What user 65534 gets trying to connect to `socket` and read `file`. */
async function asNobody(
  socket: string,
  file: string,
): Promise<{ connected: boolean; read: boolean; detail: string }> {
  const connect = await runTool("setpriv", [
    ...NOBODY,
    PYTHON,
    "-c",
    "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('connected')",
    socket,
  ]);
  const read = await runTool("setpriv", [
    ...NOBODY,
    PYTHON,
    "-c",
    "import sys; print(len(open(sys.argv[1], 'rb').read()))",
    file,
  ]);
  return {
    connected: connect.code === 0,
    read: read.code === 0,
    detail: `connect: ${
      firstLine(connect.stderr.trim().split("\n").at(-1) ?? "")
    }; read: ${read.stderr.trim().split("\n").at(-1) ?? ""}`,
  };
}

function modeOf(info: Deno.FileInfo): string {
  return ((info.mode ?? 0) & 0o7777).toString(8).padStart(4, "0");
}

/** Checks modes and another user's access, under umask 022 and 000. */
export async function permissions(
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const rec = new Recorder(
    "permissions",
    "modes of .tend/run and another user's access",
  );
  const probes: string[] = [];
  for (const umask of ["022", "000"]) {
    await using ws = await makeTempWorkspace();
    await ws.writeConfig(
      sleeperService("a", ws.path("marker")) +
        sleeperService("b", ws.path("marker")),
    );
    const started = await startUnder(ws, umask);
    const run = ws.path(".tend/run");
    await rec.case(`umask ${umask}: modes`, async (fail) => {
      if (started !== "") return fail(started);
      const dir = await Deno.lstat(run);
      if (modeOf(dir) !== "0700") fail(`.tend/run is ${modeOf(dir)}`);
      for await (const entry of Deno.readDir(run)) {
        const info = await Deno.lstat(`${run}/${entry.name}`);
        if (info.isSymlink || info.isDirectory) {
          fail(`${entry.name} is not a file or socket`);
        } else if (modeOf(info) !== "0600") {
          fail(`${entry.name} is ${modeOf(info)}, want 0600`);
        }
        if (info.uid !== 0 && info.uid !== Deno.uid()) {
          fail(`${entry.name} is owned by ${info.uid}`);
        }
      }
      for (
        const name of ["tend.sock", "state.json", "supervisor.pid", "a.pid"]
      ) {
        await Deno.lstat(`${run}/${name}`).catch(() =>
          fail(`${name} is missing`)
        );
      }
      const logDir = await Deno.lstat(ws.path(".tend/log"));
      if ((logDir.mode ?? 0) & 0o002) {
        fail(`.tend/log is world-writable (${modeOf(logDir)})`);
      }
    });
    await rec.case(`umask ${umask}: nobody, as laid out`, async (fail) => {
      const got = await asNobody(`${run}/tend.sock`, `${run}/state.json`);
      probes.push(`laid out: ${got.detail}`);
      if (got.connected) fail("nobody connected to tend.sock");
      if (got.read) fail("nobody read state.json");
    });
    await rec.case(
      `umask ${umask}: nobody, directories opened up`,
      async (fail) => {
        // Open every directory on the way, so that only the modes of the
        // socket and the file themselves stand in the way.
        const dirs = [ws.dir, ws.path(".tend"), run];
        const saved = await Promise.all(dirs.map((d) => Deno.lstat(d)));
        try {
          for (const d of dirs) await Deno.chmod(d, 0o711);
          // The control: a world-readable file beside them is readable, so
          // the way there is open.
          const control = `${run}/chaos-control.txt`;
          await Deno.writeTextFile(control, "control\n", { mode: 0o644 });
          await Deno.chmod(control, 0o644);
          const open = await asNobody(`${run}/tend.sock`, control);
          await Deno.remove(control);
          if (!open.read) {
            fail(`control: nobody cannot read a 0644 file: ${open.detail}`);
          }
          const got = await asNobody(`${run}/tend.sock`, `${run}/state.json`);
          probes.push(`opened up: ${got.detail}`);
          if (got.connected) fail("nobody connected to tend.sock (mode)");
          if (got.read) fail("nobody read state.json (mode)");
        } finally {
          for (const [i, d] of dirs.entries()) {
            await Deno.chmod(d, (saved[i]!.mode ?? 0o700) & 0o7777);
          }
        }
      },
    );
    await teardown(ws.dir);
  }
  rec.figures["another user's attempts"] = probes.length * 2;
  options.log(`  ${probes.join("\n  ")}`);
  return rec.result();
}
