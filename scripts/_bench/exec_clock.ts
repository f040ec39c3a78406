/**
 * Cold starts and restarts timed by the kernel's clock: `perf record` of
 * every exec and exit on the machine (`sched:sched_process_exec`,
 * `sched:sched_process_exit`).
 *
 * - A cold start: a manager's CLI starts one `sleep MARKER` service with no
 *   daemon running; the exec of the CLI to the exec of the service. No /proc
 *   poll runs during one (the /proc figure scans every `/proc/*\/cmdline`
 *   every 1 to 2 ms, which takes much of a core from the processes it
 *   times). The service is looked for once its CLI has returned, or every 25
 *   ms for a manager whose CLI stays (`supervisord -n`), only to learn its
 *   PID.
 * - A restart: the exit of a service killed by SIGKILL to the exec of its
 *   successor, the pair found by the caller's own poll.
 *
 * Needs root and perf(1); without them, no figure.
 */
import { which } from "./measure.ts";
import { markedArgs, newMarker, sleepersOf, untilCount } from "./procs.ts";

/** An exec (its new program) or an exit seen by the kernel: which, the process, when (ms). */
export type ExecEvent =
  | { kind: "exec"; pid: number; filename: string; ms: number }
  | { kind: "exit"; pid: number; ms: number };

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

/** And for each exit of a thread: `... 44253.873974: sched:sched_process_exit: comm=sleep pid=18992 prio=120`. */
const EXIT_LINE =
  /\s(\d+\.\d+):\s+sched:sched_process_exit:\s+comm=.*?\spid=(\d+)\s/;

/** The exec and exit events of `perf script` output. */
export function parseExecEvents(text: string): ExecEvent[] {
  return text.split("\n").flatMap((line): ExecEvent[] => {
    const exec = EXEC_LINE.exec(line);
    if (exec) {
      return [{
        kind: "exec",
        ms: Number(exec[1]) * 1000,
        filename: exec[2]!,
        pid: Number(exec[3]),
      }];
    }
    const exit = EXIT_LINE.exec(line);
    return exit
      ? [{ kind: "exit", ms: Number(exit[1]) * 1000, pid: Number(exit[2]) }]
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
  const cli = events.find((e) => e.kind === "exec" && e.pid === run.cliPid);
  const service = lastExec(events, run.servicePid);
  if (cli === undefined || service === undefined) return undefined;
  return service.ms - cli.ms;
}

/**
 * From the exit of `exitedPid` (its main thread's) to the last exec of
 * `successorPid`, in ms; undefined when either is missing.
 */
export function restartSpan(
  events: readonly ExecEvent[],
  pair: { exitedPid: number; successorPid: number },
): number | undefined {
  const exit = events.find((e) =>
    e.kind === "exit" && e.pid === pair.exitedPid
  );
  const exec = lastExec(events, pair.successorPid);
  if (exit === undefined || exec === undefined) return undefined;
  return exec.ms - exit.ms;
}

function lastExec(
  events: readonly ExecEvent[],
  pid: number,
): ExecEvent | undefined {
  return events.findLast((e) => e.kind === "exec" && e.pid === pid);
}

/** Whether this machine lets the bench read the kernel's exec events. */
export function canTraceExecs(): boolean {
  return Deno.uid() === 0 && which("perf") !== undefined;
}

/** What an {@linkcode ExecClock} timed, in ms. */
export interface ClockSamples {
  coldStarts: number[];
  restarts: number[];
}

/** A `perf record` of every exec and exit, with the runs timed under it. */
export interface ExecClock {
  /**
   * Times one cold start: `start` spawns the CLI of a manager with one
   * service, `sleep SLEEP_ARG` (`marker` starts it); then ends it.
   */
  time(
    start: (marker: string, sleepArg: string) => Promise<ColdRun>,
  ): Promise<void>;
  /** A service that was killed and the successor its manager spawned. */
  restarted(pair: { exitedPid: number; successorPid: number }): void;
  /** Ends the record: the span of every run it saw whole. */
  finish(): Promise<ClockSamples>;
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
    args: [
      "record",
      "-q",
      "-e",
      "sched:sched_process_exec",
      "-e",
      "sched:sched_process_exit",
      "-a",
      "-o",
      file,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, ATTACH_MS));
  const pairs: { cliPid: number; servicePid: number }[] = [];
  const restarts: { exitedPid: number; successorPid: number }[] = [];
  const rounded = (ms: number | undefined) =>
    ms === undefined ? [] : [Math.round(ms * 10) / 10];
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
    restarted(pair) {
      restarts.push(pair);
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
        return {
          coldStarts: pairs.flatMap((pair) => rounded(execSpan(events, pair))),
          restarts: restarts.flatMap((pair) =>
            rounded(restartSpan(events, pair))
          ),
        };
      } finally {
        await Deno.remove(file).catch(() => {});
      }
    },
  };
}

/**
 * Runs `rounds` of the caller's own runs (`round`), each followed by one
 * cold start timed by the kernel's clock (`start`), so that both see the
 * same minutes of the VM; the cold starts' samples, or `undefined` without
 * root or perf.
 */
export async function alternateColdStarts(
  rounds: number,
  round: () => Promise<void>,
  start: (marker: string, sleepArg: string) => Promise<ColdRun>,
): Promise<number[] | undefined> {
  const clock = await startExecClock();
  let samples: number[] | undefined;
  try {
    for (let i = 0; i < rounds; i++) {
      await round();
      await clock?.time(start);
    }
  } finally {
    samples = (await clock?.finish())?.coldStarts;
  }
  return samples;
}
