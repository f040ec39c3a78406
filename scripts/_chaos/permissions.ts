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

/** What user 65534 got: read `control` (when given), connect, read `file`. */
interface Probe {
  control: string | null;
  connect: string;
  read: string;
}

const PROBE = `
import json, socket, sys
def attempt(f):
    try:
        f()
        return "ok"
    except Exception as e:
        return type(e).__name__ + ": " + str(e)
def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.close()
out = {
    "control": attempt(lambda: open(sys.argv[3], "rb").read()) if sys.argv[3] else None,
    "connect": attempt(connect),
    "read": attempt(lambda: open(sys.argv[2], "rb").read()),
}
print(json.dumps(out))
`;

/** As user 65534 (one process): read `control`, connect to `socket`, read `file`. */
async function asNobody(
  socket: string,
  file: string,
  control = "",
): Promise<Probe> {
  const out = await runTool("setpriv", [
    ...NOBODY,
    PYTHON,
    "-c",
    PROBE,
    socket,
    file,
    control,
  ]);
  try {
    return JSON.parse(out.stdout) as Probe;
  } catch {
    throw new Error(`the probe failed: ${out.stderr.trim()}`);
  }
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
        // A temp file of an atomic write may vanish between the two calls.
        const info = await Deno.lstat(`${run}/${entry.name}`).catch(() => null);
        if (info === null) continue;
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
      probes.push(`laid out: connect ${got.connect}; read ${got.read}`);
      if (got.connect === "ok") fail("nobody connected to tend.sock");
      if (got.read === "ok") fail("nobody read state.json");
    });
    await rec.case(
      `umask ${umask}: nobody, directories opened up`,
      async (fail) => {
        // Open every directory on the way, so that only the modes of the
        // socket and the file themselves stand in the way. The control, a
        // world-readable file beside them, proves the way is open: tend
        // puts .tend/run back to 0700 when it next uses it, so the probe is
        // repeated until the control was readable.
        const dirs = [ws.dir, ws.path(".tend"), run];
        const saved = await Promise.all(dirs.map((d) => Deno.lstat(d)));
        const control = `${run}/chaos-control.txt`;
        try {
          await Deno.writeTextFile(control, "control\n", { mode: 0o644 });
          await Deno.chmod(control, 0o644);
          let got: Probe | null = null;
          for (let attempt = 0; attempt < 5; attempt++) {
            for (const d of dirs) await Deno.chmod(d, 0o711);
            got = await asNobody(
              `${run}/tend.sock`,
              `${run}/state.json`,
              control,
            );
            if (got.control === "ok") break;
          }
          if (got?.control !== "ok") {
            return fail(
              `control: nobody never read a 0644 file: ${got?.control}`,
            );
          }
          probes.push(`opened up: connect ${got.connect}; read ${got.read}`);
          if (got.connect === "ok") {
            fail("nobody connected to tend.sock (mode)");
          }
          if (got.read === "ok") fail("nobody read state.json (mode)");
        } finally {
          await Deno.remove(control).catch(() => {});
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
