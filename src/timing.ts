import { TendError } from "./errors.ts";

/**
 * The fixed waits of the supervisor and the CLI: checks that run on a
 * period, and graces given before tend acts on something. One object, read
 * once from the environment by `main.ts` ({@linkcode timingFromEnv}) and
 * passed down, so that tests can shorten the waits they would sit through.
 *
 * Not here: restart delays and readiness timeouts (config, from tend.toml);
 * poll intervals of a few ms; and deadlines that only a failure reaches
 * (handshake, lock and exit waits), which stay long in every setting.
 */
export interface Timing {
  /** The base tick of the supervisor's shared timer. */
  readonly tickMs: number;
  /** How often the supervisor checks that its lock and socket are its own. */
  readonly fenceCheckMs: number;
  /** How often the size of a log that has stopped growing is checked. */
  readonly idleLogCheckMs: number;
  /**
   * How long the CLI waits for the supervisor to listen again while
   * something else sits at the socket path (longer than `fenceCheckMs`).
   */
  readonly socketGraceMs: number;
  /** How long orphans get to exit after SIGTERM before SIGKILL (`cleanup`). */
  readonly orphanGraceMs: number;
  /** How long an adopted service no longer in tend.toml gets to stop. */
  readonly unlistedGraceMs: number;
  /** How often `tend status --watch` refreshes. */
  readonly watchMs: number;
}

/** The waits of a real tend. */
export const DEFAULT_TIMING: Timing = Object.freeze({
  tickMs: 1_000,
  fenceCheckMs: 5_000,
  idleLogCheckMs: 5_000,
  socketGraceMs: 7_000,
  orphanGraceMs: 5_000,
  unlistedGraceMs: 10_000,
  watchMs: 1_000,
});

/** Short waits for tests (`TEND_TIMING=fast`): the same ratios, 10× quicker. */
export const FAST_TIMING: Timing = Object.freeze({
  tickMs: 100,
  fenceCheckMs: 500,
  idleLogCheckMs: 500,
  // More than 10× shorter would be tight next to the fence on a busy machine.
  socketGraceMs: 2_000,
  orphanGraceMs: 500,
  unlistedGraceMs: 1_000,
  watchMs: 100,
});

/** The environment variable that selects a timing. */
export const TIMING_ENV = "TEND_TIMING";

const TIMINGS: Readonly<Record<string, Timing>> = {
  default: DEFAULT_TIMING,
  fast: FAST_TIMING,
};

/**
 * The timing that `TEND_TIMING` names (`default` or `fast`); unset or empty
 * is the default. Anything else is a `USAGE` error.
 *
 * @example
 * ```ts
 * import { timingFromEnv } from "./timing.ts";
 * const timing = timingFromEnv((name) => Deno.env.get(name));
 * ```
 */
export function timingFromEnv(
  get: (name: string) => string | undefined,
): Timing {
  const name = get(TIMING_ENV) ?? "";
  if (name === "") return DEFAULT_TIMING;
  const timing = Object.hasOwn(TIMINGS, name) ? TIMINGS[name] : undefined;
  if (timing === undefined) {
    throw new TendError(
      "USAGE",
      `Cannot use ${TIMING_ENV}="${name}": expected "default" or "fast"`,
    );
  }
  return timing;
}
