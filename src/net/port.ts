/** How many ports `port_strategy = "next"` tries, the wanted one included. */
export const PORT_SPAN = 100;
const PORT_MAX = 65_535;

/** What to do when the wanted port is taken: take a later one, or fail. */
export type PortStrategy = "next" | "fail";

/** Options of {@linkcode candidatePorts}. */
export interface CandidatePortsOptions {
  /**
   * How many ports to try with `"next"`, the wanted one included.
   *
   * @default {100}
   */
  span?: number;
}

/** Options of {@linkcode choosePort}. */
export interface ChoosePortOptions {
  /** `"next"` tries the following ports; `"fail"` only the wanted one. */
  strategy: PortStrategy;
  /**
   * Ports already granted to other services of the workspace; never chosen.
   *
   * @default {new Set()}
   */
  reserved?: ReadonlySet<number>;
  /**
   * The probe; replaced in unit tests.
   *
   * @default {isPortFree}
   */
  isFree?: (port: number) => Promise<boolean>;
}

/** The outcome of {@linkcode choosePort}: a port, or every port tried. */
export type PortChoice = { port: number } | { port: null; tried: number[] };

/**
 * Tells whether a TCP port looks free on every local address, by listening on
 * it for a moment. A port held by another user below 1024 (PermissionDenied)
 * counts as taken.
 *
 * It listens on `::`, which on a dual-stack host conflicts with holders on
 * 0.0.0.0, 127.0.0.1, 127.0.0.2, `::` and `::1` (a probe on 127.0.0.1 misses
 * the last two). Without IPv6 it probes `0.0.0.0`, then `::1` when that
 * exists. The answer is a hint, not a reservation: another process may take
 * the port right after, and a port in TIME_WAIT looks free (Deno sets
 * SO_REUSEADDR) although a program without that option cannot bind it.
 *
 * @example
 * ```ts
 * import { isPortFree } from "./port.ts";
 * if (await isPortFree(8642)) { }
 * ```
 */
export function isPortFree(port: number): Promise<boolean> {
  // Deno.listen is synchronous; Promise.try turns a throw into a rejection.
  return Promise.try(freeOnEveryAddress, port);
}

/**
 * Lists the ports to try for `wanted`, in order: `[wanted]` with `"fail"`,
 * `wanted` and the next `span - 1` ports (up to 65535) with `"next"`.
 *
 * @example
 * ```ts
 * import { candidatePorts } from "./port.ts";
 * candidatePorts(8642, "next", { span: 3 }); // [8642, 8643, 8644]
 * ```
 */
export function candidatePorts(
  wanted: number,
  strategy: PortStrategy,
  options: CandidatePortsOptions = {},
): number[] {
  assertPort(wanted);
  const { span = PORT_SPAN } = options;
  if (!Number.isSafeInteger(span) || span < 1) {
    throw new RangeError(`Cannot list ports: span ${span} is not positive`);
  }
  if (strategy === "fail") return [wanted];
  const last = Math.min(wanted + span - 1, PORT_MAX);
  return Array.from({ length: last - wanted + 1 }, (_, i) => wanted + i);
}

/**
 * Picks the first free port among {@linkcode candidatePorts}, skipping the
 * reserved ones. Ports are probed one after another. With no free port the
 * result lists every candidate considered, reserved ones included.
 *
 * @example
 * ```ts
 * import { choosePort } from "./port.ts";
 * const choice = await choosePort(8642, { strategy: "next", reserved: new Set([8642]) });
 * if (choice.port === null) choice.tried; // [8642, 8643, …]
 * ```
 */
export async function choosePort(
  wanted: number,
  options: ChoosePortOptions,
): Promise<PortChoice> {
  const { strategy, reserved = new Set(), isFree = isPortFree } = options;
  const tried: number[] = [];
  for (const port of candidatePorts(wanted, strategy)) {
    tried.push(port);
    if (!reserved.has(port) && await isFree(port)) return { port };
  }
  return { port: null, tried };
}

/** What listening on one address said about a port. */
type ProbeResult = "free" | "taken" | { error: unknown };

/** The probe of {@linkcode isPortFree}, synchronous. */
function freeOnEveryAddress(port: number): boolean {
  assertPort(port);
  const dualStack = probe("::", port);
  // Any other failure on "::" means no IPv6 here (EAFNOSUPPORT has no class).
  if (typeof dualStack === "string") return dualStack === "free";
  const v4 = probe("0.0.0.0", port);
  if (typeof v4 !== "string") throw v4.error;
  return v4 === "free" && probe("::1", port) !== "taken";
}

/** Listens on `hostname:port` and closes at once. */
function probe(hostname: string, port: number): ProbeResult {
  try {
    Deno.listen({ hostname, port }).close();
    return "free";
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) return "taken";
    if (error instanceof Deno.errors.PermissionDenied) return "taken";
    return { error };
  }
}

/** Throws a RangeError unless `port` is an integer in 1..65535. */
function assertPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > PORT_MAX) {
    throw new RangeError(`Cannot use port ${port}: not in 1..${PORT_MAX}`);
  }
}
