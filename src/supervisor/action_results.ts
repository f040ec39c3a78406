/**
 * Building the per-service results of start, restart and reload: a failure
 * becomes a result of its own (with its code, sentence and log tail), so one
 * failing service never hides what happened to the others.
 */
import { messageOf, TendError } from "../errors.ts";
import type {
  ActionError,
  ActionResult,
  ServiceStatus,
} from "../ipc/protocol.ts";

/** The log tails of start failures, by error (see {@linkcode withLogTail}). */
const LOG_TAILS = new WeakMap<Error, string>();

/** Marks `error` as carrying `logTail`, the service's last log lines. */
export function withLogTail<E extends Error>(error: E, logTail: string): E {
  if (logTail !== "") LOG_TAILS.set(error, logTail);
  return error;
}

/** `error` as the wire's {@linkcode ActionError}. */
export function actionError(error: unknown): ActionError {
  const detail: ActionError = error instanceof TendError
    ? { code: error.code, message: error.message }
    : {
      code: "START_FAILED",
      message: messageOf(error),
    };
  if (error instanceof TendError && error.hint) detail.hint = error.hint;
  const tail = error instanceof Error ? LOG_TAILS.get(error) : undefined;
  if (tail !== undefined) detail.logTail = tail;
  return detail;
}

/** The result of an action on `name` that failed with `error`. */
export function failedResult(
  name: string,
  options: { service: ServiceStatus; error: unknown },
): ActionResult {
  const error = actionError(options.error);
  // Among several results, each failure names its service.
  if (!error.message.includes(`"${name}"`)) {
    error.message = `Cannot start "${name}": ${
      error.message.replace(/^Cannot /, "cannot ")
    }`;
  }
  return { name, action: "failed", service: options.service, error };
}

/** The error of a service not started because `dependency` failed. */
export function dependencyFailed(name: string, dependency: string): TendError {
  return new TendError(
    "START_FAILED",
    `Cannot start "${name}": its dependency "${dependency}" failed to start`,
    { hint: `Fix "${dependency}" first: "tend logs ${dependency}"` },
  );
}

/**
 * The results of a restart: each named service restarted (or failed); a
 * dependency it started on the way is reported as started, one that already
 * ran is left out.
 */
export function restartResults(
  results: readonly ActionResult[],
  named: ReadonlySet<string>,
): ActionResult[] {
  return results.flatMap((result): ActionResult[] => {
    if (!named.has(result.name)) {
      return result.action === "already-running" ? [] : [result];
    }
    return result.action === "failed"
      ? [result]
      : [{ ...result, action: "restarted" }];
  });
}
