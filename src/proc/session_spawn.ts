import { groupExists } from "./group.ts";

/**
 * A new session for a child without a fork of this process.
 *
 * `Deno.Command` with `detached` calls setsid() between fork and exec, and a
 * hook there makes the runtime fork the whole process: its page tables and
 * then the child's copy-on-write faults, while the caller's thread waits for
 * the exec. Measured with the supervisor's heap (60 MiB RSS) on the 2 vCPU
 * VM: 2.9 to 8.6 ms a spawn (4 to 20 ms when the machine is loaded), against
 * 1.4 to 2.7 ms for a spawn without it, which uses vfork (posix_spawn). A
 * start of 100 services spends most of its time there, on the one thread
 * that does everything else.
 *
 * So a plain program (an ELF binary, or a script whose interpreter exists) is
 * run as `setsid -- /abs/program args…` without `detached`: setsid(1) makes
 * the new session and execs the program in the same process, so the PID,
 * the process group, the session, argv (the resolved path, as Deno passes
 * it) and the environment are those of a detached spawn. Anything else (no
 * setsid(1), a command Deno would refuse) is spawned `detached` as before,
 * so its error is the runtime's own.
 */

/** Where setsid(1) may be (util-linux, busybox). */
const SETSID_PATHS = ["/usr/bin/setsid", "/bin/setsid"];

/** How long a child may take to become a session leader before we go on. */
const SESSION_WAIT_MS = 5_000;

/** Bytes read from a program to tell ELF and `#!` scripts apart. */
const HEAD_BYTES = 256;

let setsidPath: string | null | undefined;

/** The setsid(1) program of this system, on Linux; `null` when it has none. */
function setsid(): string | null {
  if (setsidPath !== undefined) return setsidPath;
  setsidPath = null;
  if (Deno.build.os !== "linux") return null;
  setsidPath = SETSID_PATHS.find((path) => isExecutableFile(path)) ?? null;
  return setsidPath;
}

/** What to run instead of `command args` to give it a session of its own. */
export interface SessionCommand {
  command: string;
  args: string[];
}

/**
 * `setsid -- /abs/command args…`, or `null` when the child must be spawned
 * `detached` (no setsid(1), or a command that is not a plain program found
 * the way the runtime would find it: on the `PATH` of `env`).
 */
export function sessionCommand(
  request: {
    command: string;
    args: readonly string[];
    env: Readonly<Record<string, string>>;
  },
): SessionCommand | null {
  const wrapper = setsid();
  if (wrapper === null) return null;
  const program = resolveProgram(request.command, request.env.PATH);
  if (program === null || !isPlainProgram(program)) return null;
  return { command: wrapper, args: ["--", program, ...request.args] };
}

/** Lookups on the PATH of the last second, by PATH and command. */
const lookups = new Map<string, { program: string | null; at: number }>();
/** How long a lookup is reused: a start of many services looks up once. */
const LOOKUP_REUSE_MS = 1_000;

/**
 * The absolute path of `command` as the runtime resolves it: itself when
 * absolute, else the first executable file of that name on `path` (every
 * entry absolute), as found within the last second. `null` in every other
 * case.
 */
function resolveProgram(
  command: string,
  path: string | undefined,
): string | null {
  if (command.startsWith("/")) {
    return isExecutableFile(command) ? command : null;
  }
  if (command === "" || command.includes("/") || path === undefined) {
    return null;
  }
  const key = `${path}\0${command}`;
  const now = Date.now();
  const known = lookups.get(key);
  if (known !== undefined && now - known.at < LOOKUP_REUSE_MS) {
    return known.program;
  }
  if (lookups.size >= PLAIN_CACHE_MAX) lookups.clear();
  const program = lookUp(command, path);
  lookups.set(key, { program, at: now });
  return program;
}

function lookUp(command: string, path: string): string | null {
  const dirs = path.split(":");
  if (dirs.some((dir) => !dir.startsWith("/"))) return null;
  for (const dir of dirs) {
    const candidate = `${dir.replace(/\/+$/, "")}/${command}`;
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** What {@linkcode isPlainProgram} found, by path, with the file's stat then. */
const plainCache = new Map<string, { stamp: string; plain: boolean }>();
/** Paths remembered at most (a workspace runs a few programs). */
const PLAIN_CACHE_MAX = 256;

/**
 * An ELF binary, or a `#!` script whose interpreter is an executable file;
 * remembered while the file's inode, size and mtime stay the same.
 */
function isPlainProgram(path: string): boolean {
  let stamp: string;
  try {
    const info = Deno.statSync(path);
    stamp = `${info.ino}:${info.size}:${info.mtime?.getTime()}`;
  } catch {
    return false;
  }
  const known = plainCache.get(path);
  if (known?.stamp === stamp) return known.plain;
  const plain = readsAsPlainProgram(path);
  if (plainCache.size >= PLAIN_CACHE_MAX) plainCache.clear();
  plainCache.set(path, { stamp, plain });
  return plain;
}

function readsAsPlainProgram(path: string): boolean {
  let head: Uint8Array;
  try {
    using file = Deno.openSync(path, { read: true });
    const buffer = new Uint8Array(HEAD_BYTES);
    head = buffer.subarray(0, file.readSync(buffer) ?? 0);
  } catch {
    return false;
  }
  if (
    head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c &&
    head[3] === 0x46
  ) {
    return true;
  }
  if (head[0] !== 0x23 || head[1] !== 0x21) return false; // "#!"
  const line = new TextDecoder().decode(head.subarray(2)).split("\n");
  if (line.length < 2) return false; // longer than we read
  const interpreter = line[0]!.trim().split(/[ \t]+/)[0] ?? "";
  return interpreter.startsWith("/") && isExecutableFile(interpreter);
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile || info.mode === null) return false;
    // Ours: the owner's bit is the one that counts.
    const bits = info.uid !== null && info.uid === Deno.uid() ? 0o100 : 0o111;
    return (info.mode & bits) !== 0;
  } catch {
    return false;
  }
}

/**
 * Resolves once the child `pid`, spawned through setsid(1), leads its own
 * process group (setsid() ran: the group that a stop signals exists), or
 * `exited` settles; gives up after 5 s. Between the spawn and setsid() the
 * child is in our process group, where a stop could not reach it as a
 * group. The check is a signal 0 to the group: no file to read.
 */
export async function untilSessionLeader(
  pid: number,
  exited: Promise<unknown>,
): Promise<void> {
  let ended = false;
  void exited.then(() => ended = true, () => ended = true);
  const deadline = Date.now() + SESSION_WAIT_MS;
  while (!groupExists(pid) && !ended && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
