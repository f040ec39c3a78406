import type { ServiceConfig } from "../config/schema.ts";
import { pollUntil, sleep } from "../_async.ts";
import { readAt } from "../_read_at.ts";
import { statOwnFile } from "../fence/safe_file.ts";
import { signalGroup } from "../proc/signal.ts";

/** The first pause between readiness probes; it doubles up to the max. */
const READY_POLL_FIRST_MS = 5;
/** The longest pause between readiness probes. */
const READY_POLL_MAX_MS = 50;
/** How long one probe may take. */
const PROBE_TIMEOUT_MS = 1_000;

/** What a readiness check needs to know about one launch. */
export interface ReadyContext {
  /** The port granted to this launch, if any. */
  port: number | null;
  /** The service's log file, and its size when the launch began. */
  logFile: string;
  logOffset: number;
  /** Aborted when the process exits or the wait times out. */
  signal: AbortSignal;
  /**
   * Fills in `{port}` and `{services.NAME.…}` in the check's text.
   * @default {replaces `{port}` only}
   */
  expand?: (text: string) => string;
}

/**
 * Resolves once the service is ready by its `ready` check, or, without one,
 * once it has stayed up for `min_ready`. Rejects with the signal's reason when
 * aborted.
 */
export async function waitReady(
  service: ServiceConfig,
  context: ReadyContext,
): Promise<void> {
  const check = service.ready;
  if (check === null) {
    return await sleep(service.minReadyMs, { signal: context.signal });
  }
  await pollUntil(untilAborted(makeProbe(check, context), context.signal), {
    intervalMs: READY_POLL_MAX_MS,
    firstIntervalMs: READY_POLL_FIRST_MS,
    signal: context.signal,
  });
}

type Probe = () => Promise<boolean>;

/** What a probe answers that the wait ended before. */
const NOT_READY = false;

/**
 * `probe`, answering `false` as soon as `signal` aborts, so that the wait
 * ends at `ready_timeout` even while one probe is still out.
 */
function untilAborted(probe: Probe, signal: AbortSignal): Probe {
  return async () => {
    if (signal.aborted) return NOT_READY;
    const ended = Promise.withResolvers<typeof NOT_READY>();
    const end = () => ended.resolve(NOT_READY);
    signal.addEventListener("abort", end, { once: true });
    try {
      return await Promise.race([probe(), ended.promise]);
    } finally {
      signal.removeEventListener("abort", end);
    }
  };
}

function makeProbe(
  check: NonNullable<ServiceConfig["ready"]>,
  context: ReadyContext,
): Probe {
  const expand = context.expand ?? ((text) => fill(text, context.port));
  switch (check.kind) {
    case "tcp":
      return () => probeTcp(expand(check.target));
    case "http":
      return () => probeHttp(expand(check.url), context.signal);
    case "log":
      return logProbe(new RegExp(check.pattern), context);
    case "command":
      return () => probeCommand(expand(check.command), context);
  }
}

/** Replaces `{port}` with the granted port. */
export function fill(text: string, port: number | null): string {
  return port === null ? text : text.replaceAll("{port}", String(port));
}

/**
 * Whether `target` accepts a TCP connection within {@linkcode
 * PROBE_TIMEOUT_MS}. A peer that never answers the connect (a full accept
 * queue, a dropped SYN) would hold it through the kernel's retries, about
 * two minutes; a connection that comes after the probe gave up is closed.
 * (The wait itself ends at its signal: {@linkcode untilAborted}.)
 */
async function probeTcp(target: string): Promise<boolean> {
  const { hostname, port } = parseTarget(target);
  const connecting = Deno.connect({ hostname, port }).catch(() => null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const givenUp = new Promise<"given up">((resolve) => {
    timer = setTimeout(() => resolve("given up"), PROBE_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([connecting, givenUp]);
    if (first === "given up") {
      void connecting.then((late) => late?.close());
      return false;
    }
    first?.close();
    return first !== null;
  } finally {
    clearTimeout(timer);
  }
}

/** `"8080"` → 127.0.0.1:8080; `"host:8080"` → host:8080. */
export function parseTarget(
  target: string,
): { hostname: string; port: number } {
  const colon = target.lastIndexOf(":");
  if (colon === -1) return { hostname: "127.0.0.1", port: Number(target) };
  const hostname = target.slice(0, colon).replace(/^\[|\]$/g, "");
  return {
    hostname: hostname || "127.0.0.1",
    port: Number(target.slice(colon + 1)),
  };
}

async function probeHttp(url: string, signal: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function logProbe(pattern: RegExp, context: ReadyContext): Probe {
  let offset = context.logOffset;
  let pending = "";
  let decoder = new TextDecoder();
  return async () => {
    let chunk: Uint8Array;
    try {
      // Only a regular file of ours: a FIFO put in its place would hold
      // the open (and a thread of Deno's pool) until something wrote to it.
      if (await statOwnFile(context.logFile) === null) return false;
      using file = await Deno.open(context.logFile, { read: true });
      const size = (await file.stat()).size;
      if (size < offset) {
        offset = 0; // rotated or truncated
        pending = "";
        decoder = new TextDecoder();
      }
      chunk = await readAt(file, offset, size - offset);
      offset += chunk.length;
    } catch {
      return false;
    }
    const lines = (pending + decoder.decode(chunk, { stream: true })).split(
      "\n",
    );
    pending = lines.pop() ?? "";
    return lines.some((line) => pattern.test(line)) || pattern.test(pending);
  };
}

async function probeCommand(
  command: string,
  context: ReadyContext,
): Promise<boolean> {
  if (context.signal.aborted) return false;
  const env: Record<string, string> = context.port === null
    ? {}
    : { PORT: String(context.port) };
  let child: Deno.ChildProcess;
  try {
    // In a group of its own, ended whole when the wait ends: `sh -c` forks
    // the command, and killing `sh` alone left a `sleep 1000` check running
    // for good.
    child = new Deno.Command("sh", {
      args: ["-c", command],
      env,
      detached: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return false;
  }
  const end = () => {
    try {
      signalGroup(child.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  };
  context.signal.addEventListener("abort", end, { once: true });
  try {
    return (await child.status).success;
  } finally {
    context.signal.removeEventListener("abort", end);
  }
}
