import { TendError } from "../errors.ts";
import { parseStat } from "../proc/_stat.ts";
import { readCommand } from "../proc/scan.ts";
import { listeningInodes } from "./_proc_net_tcp.ts";

/** A process listening on a TCP port. */
export interface PortHolder {
  /** Its PID. */
  pid: number;
  /** Its command line joined by spaces. */
  command: string;
}

/**
 * Who holds a port: a process (see {@linkcode findPortHolder}), another
 * service of the same workspace (by name), or `null` when not visible.
 */
export type PortOwner = PortHolder | { service: string } | null;

/** Options of {@linkcode portInUseError}. */
export interface PortInUseErrorOptions {
  /** The port that is taken (the first one tried). */
  port: number;
  /** Who holds it, or null when not visible to this user. */
  holder: PortOwner;
  /**
   * Every port tried, with `port_strategy = "next"`; then the message names
   * the range and the hint does not suggest "next".
   *
   * @default {[port]}
   */
  tried?: readonly number[];
}

const TCP_TABLES = ["/proc/net/tcp", "/proc/net/tcp6"] as const;
const PID_NAME = /^\d+$/;
/** Longest command shown in an error message. */
const COMMAND_DISPLAY_MAX_CHARS = 120;
const IS_DARWIN = Deno.build.os === "darwin";

/**
 * Finds a process listening on TCP `port` (any local address), or `null`
 * when none is visible. When several processes share the socket (a server
 * and its forked workers), the one whose parent is not among them is chosen.
 *
 * Linux: the LISTEN rows of `/proc/net/tcp{,6}` give socket inodes, then the
 * `/proc/PID/fd` links of every process are searched for `socket:[inode]`.
 * Without root, only this user's processes can be searched, so another
 * user's server gives `null`. The sockets are those of this network
 * namespace. It takes ~50 ms for ~320 processes and ~1,850 fds (async
 * reads; sync ones take ~13 ms but block the event loop), and is only run
 * to explain a port conflict. macOS (untested):
 * `lsof -nP -iTCP:PORT -sTCP:LISTEN -t`.
 *
 * @example
 * ```ts
 * import { findPortHolder } from "./holder.ts";
 * const holder = await findPortHolder(8642); // { pid: 1234, command: "python3 -m http.server 8642" }
 * ```
 */
export async function findPortHolder(port: number): Promise<PortHolder | null> {
  const pids = IS_DARWIN ? await lsofPids(port) : await linuxPids(port);
  for (const pid of await topmostFirst(pids)) {
    const command = await readCommand(pid);
    if (command !== null) return { pid, command };
  }
  return null;
}

/**
 * Builds the `PORT_IN_USE` error for service `service`, naming the holder
 * when known. Control characters in its command are replaced and long
 * commands are cut, since another user's process chooses that text.
 *
 * @example
 * ```ts
 * import { portInUseError } from "./holder.ts";
 * const error = portInUseError("web", { port: 8642, holder: null });
 * error.message; // 'Cannot start "web": port 8642 is in use by another process (not visible to this user)'
 * ```
 */
export function portInUseError(
  service: string,
  options: PortInUseErrorOptions,
): TendError {
  const { port, holder, tried = [port] } = options;
  const by = describeOwner(holder);
  if (tried.length > 1) {
    const range = `${tried[0]}-${tried[tried.length - 1]}`;
    return new TendError(
      "PORT_IN_USE",
      `Cannot start "${service}": every port of ${range} is in use (${port} by ${by})`,
      { hint: `Free one of ports ${range}, or give "${service}" another port` },
    );
  }
  return new TendError(
    "PORT_IN_USE",
    `Cannot start "${service}": port ${port} is in use by ${by}`,
    {
      hint:
        'Free the port, or set port_strategy = "next" to take the next free one',
    },
  );
}

/**
 * Says why a service did not get its wanted port, for the start output and
 * the supervisor's log: `port 8701 (8700 is in use by pid 42: python3 …)`.
 *
 * @example
 * ```ts
 * import { describePortMove } from "./holder.ts";
 * describePortMove({ wanted: 8700, granted: 8701, holder: { service: "api" } });
 * // 'port 8701 (8700 is in use by service "api")'
 * ```
 */
export function describePortMove(
  move: { wanted: number; granted: number; holder: PortOwner },
): string {
  const { wanted, granted, holder } = move;
  const by = holder !== null && "pid" in holder
    ? `pid ${holder.pid}: ${displayCommand(holder.command)}`
    : describeOwner(holder);
  return `port ${granted} (${wanted} is in use by ${by})`;
}

/** `pid 42 (cmd)`, `service "api"`, or a note that it is not visible. */
function describeOwner(holder: PortOwner): string {
  if (holder === null) return "another process (not visible to this user)";
  if ("service" in holder) return `service "${holder.service}"`;
  return `pid ${holder.pid} (${displayCommand(holder.command)})`;
}

/**
 * A command line fit for a message: control characters replaced (another
 * user's process chooses that text) and cut at 120 characters.
 *
 * @example
 * ```ts
 * import { displayCommand } from "./holder.ts";
 * displayCommand("evil\u001b[2J"); // "evil?[2J"
 * ```
 */
export function displayCommand(command: string): string {
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  const clean = command.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length <= COMMAND_DISPLAY_MAX_CHARS
    ? clean
    : `${clean.slice(0, COMMAND_DISPLAY_MAX_CHARS - 1)}…`;
}

/** PIDs with an fd on a listening socket of `port`, from `/proc`. */
async function linuxPids(port: number): Promise<number[]> {
  const tables = await Promise.all(TCP_TABLES.map(readOrEmpty));
  const inodes = new Set(tables.flatMap((t) => listeningInodes(t, port)));
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (PID_NAME.test(entry.name)) pids.push(Number(entry.name));
  }
  const found = await Promise.all(pids.map((pid) => holdsAny(pid, inodes)));
  return pids.filter((_, i) => found[i]);
}

/**
 * Tells whether process `pid` has an fd on one of the socket `inodes`.
 * Unreadable fd directories (another user's, or gone) count as no.
 */
async function holdsAny(pid: number, inodes: Set<string>): Promise<boolean> {
  const dir = `/proc/${pid}/fd`;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch {
    return false;
  }
  const links = await Promise.all(
    names.map((name) => Deno.readLink(`${dir}/${name}`).catch(() => "")),
  );
  return links.some((link) => inodes.has(socketInode(link)));
}

/** `"123"` for `"socket:[123]"`, else an empty string. */
function socketInode(link: string): string {
  return /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? "";
}

/** Orders PIDs so that those whose parent is not in the list come first. */
async function topmostFirst(pids: number[]): Promise<number[]> {
  if (pids.length < 2) return pids;
  const set = new Set(pids);
  const parents = await Promise.all(pids.map(parentOf));
  const top = pids.filter((_, i) => !set.has(parents[i] ?? 0));
  return [...top, ...pids.filter((pid) => !top.includes(pid))];
}

/** The PPID (field 4 of `/proc/PID/stat`), or 0 when unknown. */
async function parentOf(pid: number): Promise<number> {
  return parseStat(await readOrEmpty(`/proc/${pid}/stat`))?.ppid ?? 0;
}

/** The text of a file, or "" when it cannot be read. */
function readOrEmpty(path: string): Promise<string> {
  return Deno.readTextFile(path).catch(() => "");
}

/** PIDs from `lsof -t`; untested (macOS). */
async function lsofPids(port: number): Promise<number[]> {
  const out = await new Deno.Command("lsof", {
    args: ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-t"],
    env: { LC_ALL: "C" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  return text.split("\n").filter((l) => PID_NAME.test(l)).map(Number);
}
