import { isDeadState } from "./alive.ts";
import { parseStat, type ProcStat } from "./_stat.ts";
import { capture } from "./_capture.ts";

/** One process as seen by a scan of `/proc` (or `ps` on macOS). */
export interface ProcessInfo {
  /** The process ID. */
  pid: number;
  /** The parent's PID. */
  ppid: number;
  /** The process group ID. */
  pgrp: number;
  /** The session ID (0 on macOS, where `ps` does not report it). */
  sid: number;
  /** One letter on Linux (`S`, `R`, `Z`…); the `ps` `stat` column on macOS. */
  state: string;
  /** Start time, as `startTicks` of `Identity` in `identity.ts`. */
  startTicks: number;
  /** The owner's user ID, or null when unknown. */
  uid: number | null;
  /** The command line joined by spaces, or `[comm]` when it is empty. */
  command: string;
}

const IS_DARWIN = Deno.build.os === "darwin";
const PID_NAME = /^\d+$/;
/** `ps -o rss` is in KiB. */
const KIB_BYTES = 1024;
/** macOS `ps -o time` is converted to ticks of this rate (Linux CLK_TCK). */
const TICKS_PER_SECOND = 100;

/**
 * Lists every process visible to this user. Processes that exit during the
 * scan are left out.
 *
 * The reads are async and all started at once (`Promise.all`). Measured
 * here on ~320 processes (stat + cmdline + owner each): this function takes
 * 25–29 ms; the same reads done sync 9–11 ms, one await at a time 49 ms, and
 * sync chunks with `setTimeout` yields 13–32 ms. Sync is faster but blocks
 * the event loop for the whole scan (and `no-sync-fn-in-async-fn` forbids
 * it here), while `Promise.all` kept the longest event-loop stall near 3 ms,
 * so a supervisor serving its socket stays responsive during a scan.
 *
 * @example
 * ```ts
 * import { listProcesses } from "./scan.ts";
 * const mine = (await listProcesses()).filter((p) => p.ppid === Deno.pid);
 * ```
 */
export async function listProcesses(): Promise<ProcessInfo[]> {
  if (IS_DARWIN) return await darwinList();
  const infos = await Promise.all((await listPids()).map(readProcessInfo));
  return infos.filter((info) => info !== null);
}

/**
 * Lists the live (not zombie) members of the process group `pgid`. Only
 * `/proc/PID/stat` is read for every process; the command line and owner
 * only for the members.
 *
 * @example
 * ```ts
 * import { groupMembers } from "./scan.ts";
 * const members = await groupMembers(4242); // the leader and its children
 * ```
 */
export async function groupMembers(pgid: number): Promise<ProcessInfo[]> {
  if (IS_DARWIN) {
    const all = await darwinList();
    return all.filter((p) => p.pgrp === pgid && !isDeadState(p.state));
  }
  const stats = await Promise.all((await listPids()).map(readStat));
  const members = stats.filter((s): s is ProcStat =>
    s !== null && s.pgrp === pgid && !isDeadState(s.state)
  );
  const infos = await Promise.all(
    members.map(async (stat) => toInfo(stat, await readExtras(stat.pid))),
  );
  return infos.filter((info) => info !== null);
}

/**
 * Reads one process as {@linkcode listProcesses} would list it; `null` when
 * there is no such process or it has exited (a zombie).
 *
 * @example
 * ```ts
 * import { readProcess } from "./scan.ts";
 * const me = await readProcess(Deno.pid); // { pid, pgrp, startTicks, … }
 * ```
 */
export async function readProcess(pid: number): Promise<ProcessInfo | null> {
  if (IS_DARWIN) {
    const all = await darwinList();
    return all.find((p) => p.pid === pid && !isDeadState(p.state)) ?? null;
  }
  const stat = await readStat(pid);
  if (stat === null || isDeadState(stat.state)) return null;
  return toInfo(stat, await readExtras(pid));
}

/**
 * Reads the given environment variables of process `pid` as it started.
 * Returns `null` when its environment is unreadable (another user's process,
 * or gone); keys it does not have are absent from the result (all of them
 * for a zombie, whose environment is empty).
 *
 * On macOS (untested) this parses `ps -E`, which cannot tell spaces inside
 * values from separators: values are cut at the first space.
 *
 * @example
 * ```ts
 * import { readEnvTag } from "./scan.ts";
 * const tag = await readEnvTag(4242, ["TEND_WORKSPACE", "TEND_SERVICE"]);
 * ```
 */
export async function readEnvTag(
  pid: number,
  keys: readonly string[],
): Promise<Record<string, string> | null> {
  const entries = IS_DARWIN ? await darwinEnv(pid) : await linuxEnv(pid);
  if (entries === null) return null;
  const wanted = new Set(keys);
  const tag = new Map<string, string>(); // a Map: a key may be "__proto__"
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    const key = entry.slice(0, eq);
    if (eq > 0 && wanted.has(key) && !tag.has(key)) {
      tag.set(key, entry.slice(eq + 1));
    }
  }
  return Object.fromEntries(tag);
}

/**
 * Reads the command line of process `pid` joined by spaces (`[comm]` when
 * empty, as for kernel threads and zombies), or `null` when it is gone.
 *
 * @example
 * ```ts
 * import { readCommand } from "./scan.ts";
 * await readCommand(Deno.pid); // "/usr/bin/deno run …"
 * ```
 */
export async function readCommand(pid: number): Promise<string | null> {
  if (IS_DARWIN) return await darwinPs(pid, "command=");
  const [stat, argv] = await Promise.all([readStat(pid), readArgv(pid)]);
  return stat === null ? null : formatCommand(argv, stat);
}

/**
 * Reads the CPU time (user + system, in clock ticks) and resident memory (in
 * bytes) of process `pid`, or `null` when it is gone. RSS comes from `VmRSS`
 * in `/proc/PID/status`, so it does not depend on the page size; it is 0 for
 * zombies and kernel threads.
 *
 * @example
 * ```ts
 * import { resourceUsage } from "./scan.ts";
 * const usage = await resourceUsage(Deno.pid); // { cpuTicks: 12, rssBytes: 40_000_000 }
 * ```
 */
export async function resourceUsage(
  pid: number,
): Promise<{ cpuTicks: number; rssBytes: number } | null> {
  if (IS_DARWIN) return await darwinUsage(pid);
  const [stat, status] = await Promise.all([
    readStat(pid),
    readOrNull(pid, "status"),
  ]);
  if (stat === null || status === null) return null;
  const rssKib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return {
    cpuTicks: stat.utimeTicks + stat.stimeTicks,
    rssBytes: rssKib === undefined ? 0 : Number(rssKib) * KIB_BYTES,
  };
}

/** The PIDs listed in `/proc`. */
async function listPids(): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (PID_NAME.test(entry.name)) pids.push(Number(entry.name));
  }
  return pids;
}

/** What a scan reads besides the stat: the arguments and the owner. */
interface Extras {
  argv: string[];
  uid: number | null;
}

/** One process of a Linux scan, or null when it vanished. */
async function readProcessInfo(pid: number): Promise<ProcessInfo | null> {
  const [stat, extras] = await Promise.all([readStat(pid), readExtras(pid)]);
  return stat === null ? null : toInfo(stat, extras);
}

/** The arguments and owner of `pid`, or null when it is gone. */
async function readExtras(pid: number): Promise<Extras | null> {
  const [argv, info] = await Promise.all([
    readArgv(pid),
    Deno.stat(`/proc/${pid}`).catch(nullWhenGone(pid)),
  ]);
  return info === null ? null : { argv, uid: info.uid };
}

/** Combines the reads of one process; null when part of it vanished. */
function toInfo(stat: ProcStat, extras: Extras | null): ProcessInfo | null {
  if (extras === null) return null;
  const { pid, ppid, pgrp, sid, state, startTicks } = stat;
  const command = formatCommand(extras.argv, stat);
  return { pid, ppid, pgrp, sid, state, startTicks, uid: extras.uid, command };
}

/** The parsed `/proc/PID/stat`, or null when gone or unparsable. */
async function readStat(pid: number): Promise<ProcStat | null> {
  const text = await readOrNull(pid, "stat");
  return text === null ? null : parseStat(text);
}

/** The arguments from `/proc/PID/cmdline`; empty when unreadable. */
async function readArgv(pid: number): Promise<string[]> {
  const raw = await Deno.readFile(`/proc/${pid}/cmdline`).catch(() => null);
  return raw === null ? [] : splitNul(raw);
}

/** The arguments joined by spaces, or `[comm]` when there are none. */
function formatCommand(argv: string[], stat: ProcStat): string {
  return argv.length > 0 ? argv.join(" ") : `[${stat.comm}]`;
}

/** The NUL-separated strings of `/proc/PID/environ`, or null if unreadable. */
async function linuxEnv(pid: number): Promise<string[] | null> {
  try {
    return splitNul(await Deno.readFile(`/proc/${pid}/environ`));
  } catch {
    // Another user's process, one that is gone, or a zombie (ESRCH while
    // /proc/PID still exists): in every case there is no environment to read.
    return null;
  }
}

/** Decodes NUL-terminated strings, dropping empty ones. */
function splitNul(bytes: Uint8Array): string[] {
  return new TextDecoder().decode(bytes).split("\0").filter((s) => s !== "");
}

/** The text of `/proc/PID/NAME`, or null when the process is gone. */
function readOrNull(pid: number, name: string): Promise<string | null> {
  return Deno.readTextFile(`/proc/${pid}/${name}`).catch(nullWhenGone(pid));
}

/**
 * An error handler that returns null when process `pid` is gone, and
 * rethrows otherwise. A process that exits between the open and the read
 * gives ESRCH, which Deno raises as a plain `Error` (no code, checked on
 * 2.9.6), so the handler checks that `/proc/PID` is gone instead of matching
 * the message.
 */
function nullWhenGone(pid: number): (error: unknown) => Promise<null> {
  return async (error) => {
    if (error instanceof Deno.errors.NotFound) return null;
    const alive = await Deno.stat(`/proc/${pid}`).then(() => true, () => false);
    if (alive) throw error;
    return null;
  };
}

// --- macOS (no /proc): `ps`, untested -------------------------------------

/** `ps -axo …` parsed into processes; lstart takes five words. */
async function darwinList(): Promise<ProcessInfo[]> {
  const out = await capture("ps", [
    "-axww",
    "-o",
    "pid=,ppid=,pgid=,uid=,stat=,lstart=,command=",
  ]);
  const line =
    /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.*)$/;
  const infos: ProcessInfo[] = [];
  for (const m of out.split("\n").map((l) => line.exec(l))) {
    if (m === null) continue;
    const [, pid, ppid, pgrp, uid, state = "", lstart = "", command = ""] = m;
    const startTicks = Math.floor(Date.parse(lstart) / 1000);
    infos.push({
      pid: Number(pid),
      ppid: Number(ppid),
      pgrp: Number(pgrp),
      sid: 0,
      state,
      startTicks,
      uid: Number(uid),
      command,
    });
  }
  return infos;
}

/** The environment words after the command of `ps -E`, or null. */
async function darwinEnv(pid: number): Promise<string[] | null> {
  const out = await darwinPs(pid, "command=", ["-E"]);
  return out === null ? null : out.split(" ").filter((w) => w.includes("="));
}

/** CPU time and RSS from `ps -o time=,rss=`. */
async function darwinUsage(
  pid: number,
): Promise<{ cpuTicks: number; rssBytes: number } | null> {
  const out = await darwinPs(pid, "time=,rss=");
  const m = out === null
    ? null
    : /^(?:(\d+):)?(\d+):([\d.]+)\s+(\d+)$/.exec(out);
  if (m === null) return null;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return {
    cpuTicks: Math.round(seconds * TICKS_PER_SECOND),
    rssBytes: Number(m[4]) * KIB_BYTES,
  };
}

/** One `ps -p PID -o FORMAT` value, or null when there is no such process. */
async function darwinPs(
  pid: number,
  format: string,
  extra: string[] = [],
): Promise<string | null> {
  const out = await capture("ps", [
    ...extra,
    "-ww",
    "-p",
    String(pid),
    "-o",
    format,
  ]);
  return out === "" ? null : out;
}
