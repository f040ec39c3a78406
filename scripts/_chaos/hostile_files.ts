/**
 * Scenario 4a: hostile and broken files under `.tend/run` and `.tend/log`.
 * Each file tend keeps there is damaged in one way (emptied, truncated,
 * garbage, 20 MB, a symlink to a decoy file or directory elsewhere, a
 * directory, a fifo, mode 0666 or 0000, owned by another user), either
 * over the files of a SIGKILLed supervisor ("cold") or under a running one
 * ("warm"). Then `tend start`, `tend status` and `tend stop` run, each with
 * a deadline.
 *
 * Every command must end in exit 0 or a clear error, never write through a
 * symlink (the decoys keep their content), and a service that ran before
 * the damage must keep running, same PID, until `stop`.
 */
import {
  checkAllRunning,
  firstLine,
  isAlive,
  killSupervisor,
  killTagged,
  makeTempWorkspace,
  pool,
  Recorder,
  type Rng,
  runTend,
  runTool,
  type ScenarioOptions,
  type ScenarioResult,
  settle,
  sleeperService,
  snapshot,
  statusOf,
  teardown,
  unclearOutcome,
  waitUntilNothingTagged,
} from "./common.ts";
import { FAST_TIMING_ENV } from "../../tests/_helpers.ts";

/**
 * The files tend keeps under `.tend/run` (`a.pid`: a service's;
 * `config.json`: the checked config that the CLI and the supervisor take
 * while tend.toml's text is unchanged).
 */
export const TARGETS = [
  "supervisor.pid",
  "a.pid",
  "state.json",
  "supervisor.json",
  "supervisor.lock",
  "tend.sock",
  "config.json",
] as const;

/**
 * tend's logs under `.tend/log`: the supervisor's, and a service's (a FIFO
 * in place of either once made `start` wait forever for a reader).
 */
export const LOG_TARGETS = ["tend.log", "a.log"] as const;

/**
 * tend's directories, only ever removed whole (as `git clean -fdx` does):
 * under a live supervisor, removing `.tend/run` once made the next start
 * run every service a second time.
 */
export const DIR_TARGETS = [".tend", ".tend/run", ".tend/log"] as const;

/** Where `target` is, under the workspace. */
export function targetPath(target: HostileCase["target"]): string {
  const logs: readonly string[] = LOG_TARGETS;
  const dirs: readonly string[] = DIR_TARGETS;
  if (dirs.includes(target)) return target;
  return logs.includes(target) ? `.tend/log/${target}` : `.tend/run/${target}`;
}

/** The ways a file is damaged. */
export const DAMAGES = [
  "deleted",
  "empty",
  "truncated",
  "garbage",
  "huge-20MB",
  "symlink-to-file",
  "symlink-to-dir",
  "directory",
  "fifo",
  "mode-0666",
  "mode-0000",
  "owner-65534",
] as const;

/**
 * A double damage: the lock file replaced by a new empty one (a new inode)
 * and the socket deleted, under a live supervisor.
 */
export const LOCK_AND_SOCKET = "replaced, and tend.sock deleted";

/** One case: which file, which damage, with or without a live supervisor. */
export interface HostileCase {
  target:
    | typeof TARGETS[number]
    | typeof LOG_TARGETS[number]
    | typeof DIR_TARGETS[number];
  damage: typeof DAMAGES[number] | typeof LOCK_AND_SOCKET;
  warm: boolean;
}

/** Every combination, warm and cold, the directories removed, and the double damage. */
export function allHostileCases(): HostileCase[] {
  const out: HostileCase[] = [];
  for (const warm of [true, false]) {
    for (const target of [...TARGETS, ...LOG_TARGETS]) {
      for (const damage of DAMAGES) out.push({ target, damage, warm });
    }
    for (const target of DIR_TARGETS) {
      out.push({ target, damage: "deleted", warm });
    }
  }
  out.push({ target: "supervisor.lock", damage: LOCK_AND_SOCKET, warm: true });
  return out;
}

const HUGE_BYTES = 20 * 1024 * 1024;
const SERVICES = ["a", "b"] as const;

/** A decoy outside the workspace that tend must never write to. */
interface Decoys {
  file: string;
  dir: string;
  /** Fingerprint of both, to compare after every command. */
  fingerprint(): Promise<string>;
}

async function makeDecoys(root: string, rng: Rng): Promise<Decoys> {
  const file = `${root}/decoy-file`;
  const dir = `${root}/decoy-dir`;
  await Deno.writeFile(file, rng.bytes(4096), { mode: 0o644 });
  await Deno.mkdir(dir);
  await Deno.writeTextFile(`${dir}/keep.txt`, "decoy\n");
  const fingerprint = async () => {
    const parts: string[] = [];
    for (const path of [file, `${dir}/keep.txt`]) {
      const info = await Deno.lstat(path);
      const digest = await crypto.subtle.digest(
        "SHA-256",
        await Deno.readFile(path),
      );
      parts.push(
        `${path} ${info.mode?.toString(8)} ${info.uid} ${info.size} ${
          [...new Uint8Array(digest)].map((b) => b.toString(16)).join("")
        }`,
      );
    }
    const names: string[] = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    const dirInfo = await Deno.lstat(dir);
    parts.push(`${dir} ${dirInfo.mode?.toString(8)} ${names.sort()}`);
    return parts.join("\n");
  };
  return { file, dir, fingerprint };
}

async function damage(
  path: string,
  how: HostileCase["damage"],
  decoys: Decoys,
  rng: Rng,
): Promise<void> {
  let old: Uint8Array | null = null;
  try {
    const info = await Deno.lstat(path);
    if (info.isFile) old = await Deno.readFile(path);
  } catch {
    // Absent: damaged from nothing.
  }
  const plausible = old !== null && old.length > 0
    ? old
    : new TextEncoder().encode('{"pid": 4242, "identity": {"pid": 4242}}\n');
  // A live supervisor may put its socket back between the removal and the
  // write (its fence check listens again): then remove and write again.
  const replace = async (write: () => Promise<unknown>): Promise<void> => {
    for (let attempt = 1;; attempt++) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
      try {
        await write();
        return;
      } catch (error) {
        if (attempt >= 5 || !(await isSocket(path))) throw error;
      }
    }
  };
  const inPlace = async (change: () => Promise<void>) => {
    try {
      await Deno.lstat(path);
    } catch {
      await Deno.writeFile(path, plausible, { mode: 0o600 });
    }
    await change();
  };
  switch (how) {
    case "deleted":
      return await Deno.remove(path, { recursive: true }).catch(() => {});
    case LOCK_AND_SOCKET:
      await replace(() =>
        Deno.writeFile(path, new Uint8Array(), { mode: 0o600 })
      );
      return await Deno.remove(
        `${path.slice(0, path.lastIndexOf("/"))}/tend.sock`,
      )
        .catch(() => {});
    case "empty":
      return await replace(() => Deno.writeFile(path, new Uint8Array()));
    case "truncated":
      return await replace(() =>
        Deno.writeFile(
          path,
          plausible.subarray(0, Math.max(1, plausible.length >> 1)),
          { mode: 0o600 },
        )
      );
    case "garbage":
      return await replace(() =>
        Deno.writeFile(path, rng.bytes(4096), { mode: 0o600 })
      );
    case "huge-20MB": {
      const bytes = new Uint8Array(HUGE_BYTES).fill(0x37); // "7777…"
      bytes.set(new TextEncoder().encode('{"pid": '));
      return await replace(() => Deno.writeFile(path, bytes, { mode: 0o600 }));
    }
    case "symlink-to-file":
      return await replace(() => Deno.symlink(decoys.file, path));
    case "symlink-to-dir":
      return await replace(() => Deno.symlink(decoys.dir, path));
    case "directory":
      return await replace(async () => {
        await Deno.mkdir(path);
        await Deno.writeTextFile(`${path}/inside`, "x\n");
      });
    case "fifo":
      return await replace(async () => {
        const out = await runTool("mkfifo", ["-m", "600", path]);
        if (out.code !== 0) throw new Error(`mkfifo: ${out.stderr}`);
      });
    case "mode-0666":
      return await inPlace(() => Deno.chmod(path, 0o666));
    case "mode-0000":
      return await inPlace(() => Deno.chmod(path, 0o000));
    case "owner-65534":
      return await inPlace(() => Deno.chown(path, 65534, 65534));
  }
}

/**
 * Runs the given hostile-file cases, `concurrency` at a time. With `timing:
 * "fast"`, tend runs with its short test waits (`TEND_TIMING=fast`): a warm
 * case waits for the supervisor's fence check to listen again.
 */
export async function hostileFiles(
  options: ScenarioOptions & {
    cases: HostileCase[];
    concurrency: number;
    timing?: "default" | "fast";
  },
): Promise<ScenarioResult> {
  const env = options.timing === "fast" ? { ...FAST_TIMING_ENV } : {};
  const rec = new Recorder(
    "hostile-run-files",
    "damaged files under .tend/run and .tend/log (9 files x 12 damages, 3 directories removed, cold and warm)",
  );
  const outcomes = new Map<string, number>();
  const decoyRoot = await Deno.makeTempDir({ prefix: "tend-decoy-" });
  let recovered = 0;
  try {
    await pool(options.cases, options.concurrency, async (c, index) => {
      const label = `${c.warm ? "warm" : "cold"} ${c.target} ${c.damage}`;
      const rng = options.rng;
      const seen: string[] = [];
      const held = await rec.case(label, async (fail) => {
        await using ws = await makeTempWorkspace();
        await ws.writeConfig(
          SERVICES.map((name) => sleeperService(name, ws.path("marker")))
            .join(""),
        );
        const decoyDir = `${decoyRoot}/${index}`;
        await Deno.mkdir(decoyDir);
        const decoys = await makeDecoys(decoyDir, rng);
        const setup = await runTend(ws.dir, ["start"], { env });
        if (setup.code !== 0) {
          fail(`setup start failed: ${firstLine(setup.stderr)}`);
          return;
        }
        const before = (await statusOf(ws.dir)).json;
        const pids = new Map(
          before?.services.map((s) => [s.name, s.pid ?? 0]) ?? [],
        );
        const servingBefore = before?.supervisor.pid ?? 0;
        if (!c.warm) {
          // The files of a SIGKILLed supervisor whose services are gone.
          const sup = before?.supervisor.pid ?? 0;
          await killSupervisor(ws.dir, sup);
          await killTagged(ws.dir);
        }
        await damage(ws.path(targetPath(c.target)), c.damage, decoys, rng);
        const fingerprint = await decoys.fingerprint();

        for (const cmd of ["start", "status", "stop"] as const) {
          const run = await runTend(ws.dir, [cmd], {
            timeoutMs: 20_000,
            env,
          });
          const key = `${cmd}:${run.code}`;
          seen.push(
            run.code === 0 ? key : `${key} (${firstLine(run.stderr)})`,
          );
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          const problem = unclearOutcome(run, {
            okCodes: cmd === "status" ? [3] : [],
          });
          if (problem !== null) fail(problem);
          if (await decoys.fingerprint() !== fingerprint) {
            fail(`tend ${cmd} changed a decoy behind a symlink`);
          }
          // Damage to a file never kills a live supervisor (a replaced
          // or removed lock may make it step down for a successor, on
          // purpose).
          const lockGone = c.target === "supervisor.lock" ||
            c.target === ".tend" || c.target === ".tend/run";
          if (c.warm && !lockGone && !await isAlive(servingBefore)) {
            fail(
              `the supervisor (pid ${servingBefore}) died during tend ${cmd}`,
            );
          }
          if (c.warm && cmd !== "stop") {
            for (const [name, pid] of pids) {
              if (!await isAlive(pid)) {
                fail(
                  `after tend ${cmd}: running "${name}" (pid ${pid}) was lost`,
                );
              }
            }
          }
          if (cmd !== "stop") {
            const snap = await snapshot(ws.dir);
            for (const [name, leaders] of snap.leaders) {
              if (leaders.length > 1) {
                fail(`after tend ${cmd}: duplicate "${name}": ${leaders}`);
              }
            }
          }
          // A supervisor that lost the lock race exits on its own.
          const sups = await settle(async () => {
            const pids = (await snapshot(ws.dir)).supervisors.map((p) => p.pid);
            return pids.length > 1 ? [pids.join(",")] : [];
          }, { timeoutMs: 3_000 });
          if (sups.length > 0) {
            fail(`after tend ${cmd}: several supervisors serve: ${sups[0]}`);
          }
          if (cmd === "start" && run.code === 0) {
            recovered++;
            const problems = await settle(
              () => checkAllRunning(ws.dir, SERVICES),
              { timeoutMs: 3_000 },
            );
            for (const p of problems) fail(`start said 0 but: ${p}`);
            if (c.warm) {
              const now = (await statusOf(ws.dir)).json;
              for (const s of now?.services ?? []) {
                if (s.pid !== pids.get(s.name)) {
                  fail(
                    `"${s.name}" pid changed ${pids.get(s.name)} -> ${s.pid}`,
                  );
                }
              }
            }
          }
          if (cmd === "stop" && run.code === 0) {
            const gone = await settle(async () => {
              const left = (await snapshot(ws.dir)).leaders;
              return [...left].map(([n, p]) => `${n} ${p}`);
            }, { timeoutMs: 5_000 });
            if (gone.length > 0) {
              fail(`stop exited 0 but services still run: ${gone}`);
            }
          }
        }
        await teardown(ws.dir);
        const { survivors } = await waitUntilNothingTagged(ws.dir, 5_000);
        if (survivors.length > 0) {
          fail(`tagged processes after teardown: ${survivors}`);
        }
      });
      options.log(
        `  ${label}: ${held ? "held" : "FAILED"}; ${seen.join("; ")}`,
      );
    });
  } finally {
    await Deno.remove(decoyRoot, { recursive: true }).catch(() => {});
  }
  rec.figures["cases"] = options.cases.length;
  rec.figures["start recovered (exit 0)"] = recovered;
  rec.figures["exits"] = [...outcomes].sort().map(([k, n]) => `${k}×${n}`)
    .join(" ");
  return rec.result();
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSocket === true;
  } catch {
    return false;
  }
}
