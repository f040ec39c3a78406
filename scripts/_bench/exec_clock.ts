/**
 * Cold starts timed by the kernel's clock: `perf record` of every exec on
 * the machine (`sched:sched_process_exec`) while a manager's CLI starts one
 * `sleep MARKER` service with no daemon running, the exec of the CLI to the
 * exec of the service. No /proc poll runs during one (the /proc figure scans
 * every `/proc/*\/cmdline` every 1 to 2 ms, which takes much of a core from
 * the processes it times). The service is looked for once its CLI has
 * returned, or every 25 ms for a manager whose CLI stays (`supervisord -n`),
 * only to learn its PID. Needs root and perf(1); without them, no figure.
 */
import { which } from "./peers.ts";
import { markedArgs, newMarker, sleepersOf, untilCount } from "./procs.ts";

/** One exec seen by the kernel: the process, its new program, when (ms). */
export interface ExecEvent {
  pid: number;
  filename: string;
  ms: number;
}

/** A cold start under way: the CLI's PID, and what ends it. */
export interface ColdRun {
  cliPid: number;
  /** Settles once the service runs (the CLI's exit): no poll before then. */
  settled?: Promise<unknown>;
  end(): Promise<void>;
}

/** How long perf takes to attach before the first run (measured: 0.2 to 0.4 s). */
const ATTACH_MS = 1_000;

/** What perf prints for each exec: `... 40478.856323: sched:sched_process_exec: filename=/usr/bin/deno pid=28145 old_pid=28145`. */
const EXEC_LINE =
  /\s(\d+\.\d+):\s+sched:sched_process_exec:\s+filename=(\S+)\s+pid=(\d+)/;

/** The exec events of `perf script` output. */
export function parseExecEvents(text: string): ExecEvent[] {
  return text.split("\n").flatMap((line) => {
    const match = EXEC_LINE.exec(line);
    return match
      ? [{
        ms: Number(match[1]) * 1000,
        filename: match[2]!,
        pid: Number(match[3]),
      }]
      : [];
  });
}

/**
 * From the first exec of `cliPid` to the last exec of `servicePid` (a
 * service started through setsid(1) or a shell execs twice), in ms;
 * undefined when either is missing. A PID is not reused within one record:
 * a record spans a few hundred spawns, fewer than `pid_max` (32768 here).
 */
export function execSpan(
  events: readonly ExecEvent[],
  run: { cliPid: number; servicePid: number },
): number | undefined {
  const cli = events.find((e) => e.pid === run.cliPid);
  const service = events.findLast((e) => e.pid === run.servicePid);
  if (cli === undefined || service === undefined) return undefined;
  return service.ms - cli.ms;
}

/** Whether this machine lets the bench read the kernel's exec events. */
export function canTraceExecs(): boolean {
  return Deno.uid() === 0 && which("perf") !== undefined;
}

/** A `perf record` of every exec, with the cold starts timed under it. */
export interface ExecClock {
  /**
   * Times one cold start: `start` spawns the CLI of a manager with one
   * service, `sleep SLEEP_ARG` (`marker` starts it); then ends it.
   */
  time(
    start: (marker: string, sleepArg: string) => Promise<ColdRun>,
  ): Promise<void>;
  /** Ends the record: the span of every cold start it saw whole, in ms. */
  finish(): Promise<number[]>;
}

/**
 * Starts recording every exec on the machine; `null` without root or perf.
 * The caller times its cold starts with it between its other runs (so that
 * both figures see the same minutes of the VM), then finishes it.
 */
export async function startExecClock(): Promise<ExecClock | null> {
  if (!canTraceExecs()) return null;
  const file = await Deno.makeTempFile({
    prefix: "tend-bench-",
    suffix: ".perf",
  });
  const perf = new Deno.Command("perf", {
    args: ["record", "-q", "-e", "sched:sched_process_exec", "-a", "-o", file],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, ATTACH_MS));
  const pairs: { cliPid: number; servicePid: number }[] = [];
  return {
    async time(start) {
      const marker = newMarker();
      const [arg] = markedArgs(marker, 1);
      const run = await start(marker, arg!);
      try {
        await run.settled;
        await untilCount(marker, 1, { intervalMs: 25 });
        const servicePid = sleepersOf(marker).get(arg!);
        if (servicePid !== undefined) {
          pairs.push({ cliPid: run.cliPid, servicePid });
        }
      } finally {
        await run.end();
      }
    },
    async finish() {
      try {
        perf.kill("SIGINT");
      } catch {
        // perf ended on its own (it could not record): no events then.
      }
      await perf.status;
      try {
        const script = await new Deno.Command("perf", {
          args: ["script", "-i", file],
          stdin: "null",
          stdout: "piped",
          stderr: "null",
        }).output();
        const events = parseExecEvents(
          new TextDecoder().decode(script.stdout),
        );
        return pairs.flatMap((pair) => {
          const ms = execSpan(events, pair);
          return ms === undefined ? [] : [Math.round(ms * 10) / 10];
        });
      } finally {
        await Deno.remove(file).catch(() => {});
      }
    },
  };
}
