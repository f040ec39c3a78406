import type { ExitStatus } from "../proc/spawn.ts";

/** The restart fields of a service's config. */
export interface RestartPolicy {
  restart: "always" | "on-failure" | "never";
  successExitCodes: readonly number[];
  restartDelayMs: number;
  restartDelayMaxMs: number;
  minUptimeMs: number;
  maxRestarts: number;
  restartWindowMs: number;
}

/** What is known when a service exits on its own. */
export interface ExitFacts {
  /** How it ended; `code` and `signal` are both `null` when unknown (adopted). */
  exit: ExitStatus;
  /** How long it had been up, in ms. */
  uptimeMs: number;
  /** Now, in ms since the epoch. */
  now: number;
  /** When earlier restarts happened (ms since the epoch). */
  restartTimes: readonly number[];
  /** Quick exits in a row before this one. */
  streak: number;
}

/** What to do after an exit. */
export type ExitDecision =
  | { kind: "stop"; reason: null }
  | { kind: "restart"; delayMs: number; streak: number }
  | { kind: "fail"; reason: string };

/** Tells whether an exit counts as a success under `policy`. */
export function isSuccess(policy: RestartPolicy, exit: ExitStatus): boolean {
  return exit.signal === null && exit.code !== null &&
    policy.successExitCodes.includes(exit.code);
}

/**
 * The delay before restart number `streak` (0-based) of a run of quick
 * exits: `restartDelayMs` doubled each time, capped at `restartDelayMaxMs`.
 */
export function nextRestartDelayMs(
  policy: RestartPolicy,
  streak: number,
): number {
  const delay = policy.restartDelayMs * 2 ** Math.min(streak, 52);
  return Math.min(delay, policy.restartDelayMaxMs);
}

/** Decides whether a service that exited by itself is restarted, and when. */
export function decideAfterExit(
  policy: RestartPolicy,
  facts: ExitFacts,
): ExitDecision {
  const success = isSuccess(policy, facts.exit);
  const wanted = policy.restart === "always" ||
    (policy.restart === "on-failure" && !success);
  if (!wanted) {
    return success
      ? { kind: "stop", reason: null }
      : { kind: "fail", reason: describeExit(facts.exit) };
  }
  const since = facts.now - policy.restartWindowMs;
  const recent = facts.restartTimes.filter((t) => t > since).length;
  if (recent >= policy.maxRestarts) {
    return {
      kind: "fail",
      reason: `restarted ${recent} times within ${
        policy.restartWindowMs / 1000
      } s (max_restarts)`,
    };
  }
  const streak = facts.uptimeMs >= policy.minUptimeMs ? 0 : facts.streak;
  return {
    kind: "restart",
    delayMs: nextRestartDelayMs(policy, streak),
    streak: streak + 1,
  };
}

/** Words for an exit: `exited with code 1`, `killed by SIGKILL`. */
export function describeExit(exit: ExitStatus): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return "exited";
}

/** The state-machine event that carries out `decision`. */
export function decisionEvent(
  decision: ExitDecision,
): "crash" | "fail" | "exit" {
  if (decision.kind === "restart") return "crash";
  return decision.kind === "fail" ? "fail" : "exit";
}
