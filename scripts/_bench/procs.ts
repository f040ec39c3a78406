/**
 * Finding the benchmark's `sleep MARKER` processes in /proc, the same way for
 * tend, PM2 and supervisord: a service is "exec'd" once a live process runs
 * `sleep` with its marker argument, and "gone" once none does.
 */

const read = (path: string) => Deno.readTextFile(path).catch(() => "");

/** Every pid in /proc. */
export async function pids(): Promise<number[]> {
  const entries = await Array.fromAsync(Deno.readDir("/proc"));
  return entries.map((entry) => Number(entry.name)).filter(Number.isInteger);
}

/** Whether `pid` exists and is not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await read(`/proc/${pid}/stat`);
  return stat !== "" && stat[stat.lastIndexOf(")") + 2] !== "Z";
}

/** The parent of `pid`, or 0. */
export async function parentOf(pid: number): Promise<number> {
  const stat = await read(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? 0);
}

/**
 * The live pids running `sleep ARG` with an ARG starting with `marker`, by
 * ARG. Synchronous reads: an async read per pid goes through a thread pool,
 * which on a loaded machine made one poll cost tens of ms.
 */
export function sleepersOf(marker: string): Map<string, number> {
  const found = new Map<string, number>();
  const needle = `\0${marker}`;
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    let cmd: string;
    try {
      cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
    } catch {
      continue;
    }
    const at = cmd.indexOf(needle);
    if (at === -1) continue;
    if (!runsSleep(cmd)) continue;
    let stat = "";
    try {
      stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    } catch {
      continue;
    }
    if (stat[stat.lastIndexOf(")") + 2] !== "Z") {
      found.set(cmd.slice(at + 1, -1), pid);
    }
  }
  return found;
}

/** A random marker: the arguments `MARKER000`, `MARKER001`… are unique to one run. */
export function newMarker(): string {
  return String(1_000_000 + Math.floor(Math.random() * 8_999_999));
}

/** The `sleep` arguments of `count` services carrying `marker`. */
export function markedArgs(marker: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${marker}${String(i).padStart(4, "0")}`,
  );
}

/** Polls until `count` sleepers of `marker` run; resolves with the time (performance.now()). */
export async function untilCount(
  marker: string,
  count: number,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<number> {
  const deadline = performance.now() + (options.timeoutMs ?? 60_000);
  while (true) {
    const seen = sleepersOf(marker).size;
    const now = performance.now();
    if (count === 0 ? seen === 0 : seen >= count) return now;
    if (now > deadline) {
      throw new Error(`Timed out: ${seen} sleepers of ${marker}, not ${count}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 2));
  }
}

/** The children of `pid`, from every thread's /proc/PID/task/TID/children. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const text = Deno.readTextFileSync(
        `/proc/${pid}/task/${task.name}/children`,
      );
      for (const child of text.split(" ")) {
        if (child.trim() !== "") children.push(Number(child));
      }
    }
  } catch {
    // gone
  }
  return children;
}

/**
 * The live child of `parent` running `sleep ARG`, other than `not`: a few
 * reads, so that a restart is seen within about a millisecond of its exec.
 */
export function sleeperChild(
  parent: number,
  arg: string,
  not?: number,
): number | undefined {
  for (const pid of childrenOf(parent)) {
    if (pid === not) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
      if (!cmd.endsWith(`\0${arg}\0`) || !runsSleep(cmd)) continue;
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      if (stat[stat.lastIndexOf(")") + 2] !== "Z") return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

/**
 * Whether a cmdline's program (argv[0]) is `sleep`: a process still in
 * `setsid -- /usr/bin/sleep ARG` (before its exec, see
 * src/proc/session_spawn.ts) has not exec'd the service yet.
 */
function runsSleep(cmdline: string): boolean {
  const program = cmdline.slice(0, cmdline.indexOf("\0"));
  return program === "sleep" || program.endsWith("/sleep");
}
