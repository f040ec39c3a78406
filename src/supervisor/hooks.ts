import { messageOf } from "../errors.ts";
import type { HookEvent } from "../config/_service_extras.ts";
import type { ServiceConfig } from "../config/schema.ts";
import type { ExitStatus } from "../proc/spawn.ts";
import { serviceEnv } from "./launch.ts";
import type { Log } from "./log.ts";
import { fill } from "./ready.ts";
import { sleep } from "../_async.ts";

export type { HookEvent } from "../config/_service_extras.ts";

/** How long the output of a killed hook is still read. */
const AFTER_KILL_READ_MS = 1_000;
/** Most bytes of a hook's output kept for tend.log. */
const HOOK_OUTPUT_MAX_BYTES = 16 * 1024;

/** Something that happened to a service, for its hooks. */
export interface ServiceEvent {
  event: HookEvent;
  /** The PID concerned: the new process (ready), else the one that ended. */
  pid: number | null;
  /** Its port, if it has one. */
  port: number | null;
  /** How the process ended (exit, failed, restart). */
  exit?: ExitStatus | undefined;
  /** Why, in words (failed, restart). */
  reason?: string | undefined;
}

/** The environment of a hook: the service's, plus what happened. */
export function hookEnv(
  service: ServiceConfig,
  options: {
    base: Readonly<Record<string, string>>;
    root: string;
    event: ServiceEvent;
  },
): Record<string, string> {
  const { event } = options;
  const env = serviceEnv(service, { ...options, port: event.port });
  env.TEND_EVENT = event.event;
  if (event.pid !== null) env.TEND_PID = String(event.pid);
  if (event.exit?.code !== null && event.exit?.code !== undefined) {
    env.TEND_EXIT_CODE = String(event.exit.code);
  }
  if (event.exit?.signal) env.TEND_SIGNAL = event.exit.signal;
  if (event.reason !== undefined) env.TEND_REASON = event.reason;
  return env;
}

/**
 * Runs the hooks of services: each is `sh -c COMMAND` in the service's
 * working directory, in its own process group, with its output collected for
 * tend.log. A hook never blocks supervision (nobody awaits it but
 * {@linkcode settled}); one still running after `hook_timeout` is killed
 * with its whole process group. Failures are logged, never thrown.
 */
export class HookRunner {
  #log: Log;
  #base: Readonly<Record<string, string>>;
  #root: string;
  #running = new Set<Promise<void>>();

  constructor(
    options: {
      log: Log;
      baseEnv: Readonly<Record<string, string>>;
      root: string;
    },
  ) {
    this.#log = options.log;
    this.#base = options.baseEnv;
    this.#root = options.root;
  }

  /** Starts the hook of `event`, if the service has one. */
  run(service: ServiceConfig, event: ServiceEvent): void {
    const command = service.hooks[event.event];
    if (command === undefined) return;
    const run = this.#run(service, {
      command: fill(command, event.port),
      event,
    }).catch((error) => this.#say(service, event, { error: messageOf(error) }));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Resolves once every hook started so far has ended (or was killed). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  async #run(
    service: ServiceConfig,
    hook: { command: string; event: ServiceEvent },
  ): Promise<void> {
    const child = new Deno.Command("sh", {
      args: ["-c", hook.command],
      cwd: service.cwd,
      clearEnv: true,
      env: hookEnv(service, {
        base: this.#base,
        root: this.#root,
        event: hook.event,
      }),
      detached: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = Promise.all([
      collect(child.stdout),
      collect(child.stderr),
    ]);
    const timedOut = await deadline(
      Promise.all([child.status, output]),
      service.hookTimeoutMs,
    );
    if (timedOut) killGroup(child.pid);
    const status = await child.status;
    // A process that left the group may hold the pipes open: stop reading.
    const [out, err] = timedOut
      ? await Promise.race([output, sleep(AFTER_KILL_READ_MS).then(noOutput)])
      : await output;
    for (const line of `${out}${err}`.split("\n").filter(Boolean)) {
      this.#say(service, hook.event, { line });
    }
    const outcome = timedOut
      ? `timed out after ${
        service.hookTimeoutMs / 1000
      } s; killed its process group`
      : status.success
      ? null
      : status.signal
      ? `killed by ${status.signal}`
      : `exited with code ${status.code}`;
    if (outcome !== null) this.#say(service, hook.event, { error: outcome });
  }

  #say(
    service: ServiceConfig,
    event: ServiceEvent,
    what: { line: string } | { error: string },
  ): void {
    const properties = {
      service: service.name,
      hook: `on_${event.event}`,
      ...what,
    };
    if ("line" in what) {
      this.#log.info("{hook} of {service}: {line}", properties);
    } else this.#log.warn("{hook} of {service} failed: {error}", properties);
  }
}

/** True when `work` did not settle within `ms`. */
async function deadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  try {
    const first = await Promise.race([work.then(() => "done" as const), late]);
    return first === "late";
  } finally {
    clearTimeout(timer);
  }
}

function noOutput(): [string, string] {
  return ["", ""];
}

function killGroup(pgid: number): void {
  try {
    Deno.kill(-pgid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/** The text of a stream, its first {@linkcode HOOK_OUTPUT_MAX_BYTES} kept. */
async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  for await (const chunk of stream) {
    if (kept >= HOOK_OUTPUT_MAX_BYTES) continue;
    const part = chunk.subarray(0, HOOK_OUTPUT_MAX_BYTES - kept);
    chunks.push(part);
    kept += part.length;
  }
  const bytes = new Uint8Array(kept);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}
