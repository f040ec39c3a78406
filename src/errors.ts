/**
 * Every way tend can fail that a user or a script should tell apart.
 *
 * @example
 * ```ts ignore
 * try {
 *   await ws.reload();
 * } catch (error) {
 *   if (error instanceof TendError && error.code === "NOT_RUNNING") await ws.start();
 * }
 * ```
 */
export type ErrorCode =
  | "USAGE"
  | "CONFIG_INVALID"
  | "UNKNOWN_SERVICE"
  | "ALREADY_RUNNING"
  | "NOT_RUNNING"
  | "LOCK_FAILED"
  | "PORT_IN_USE"
  | "START_FAILED"
  | "START_CANCELLED"
  | "SHUTTING_DOWN"
  | "STOP_FAILED"
  | "PID_FILE_CORRUPTED"
  | "FILE_IN_THE_WAY"
  | "PERMISSION_DENIED"
  | "INTERRUPTED";

/** Options of {@linkcode TendError}. */
export interface TendErrorOptions {
  /** A next step for the user, printed on its own line as `hint: …`. */
  hint?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one domain error of tend: a code, one sentence, and maybe a hint.
 *
 * @example
 * ```ts ignore
 * throw new TendError("NOT_RUNNING", 'Cannot stop "web": no supervisor is running', {
 *   hint: 'Run "tend start"',
 * });
 * ```
 */
export class TendError extends Error {
  /** Always `"TendError"`. */
  override readonly name = "TendError";
  /** What kind of failure this is; scripts match on it. */
  readonly code: ErrorCode;
  /** A next step for the user. */
  readonly hint: string | undefined;

  /** An error with `code`, a one-sentence `message` and options. */
  constructor(
    code: ErrorCode,
    message: string,
    options: TendErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * The exit status of each code; the compiler rejects a code without one.
 *
 * @example
 * ```ts ignore
 * EXIT_CODES.NOT_RUNNING; // 3, as `tend status` exits when a service is down
 * ```
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  USAGE: 2,
  NOT_RUNNING: 3,
  CONFIG_INVALID: 4,
  UNKNOWN_SERVICE: 4,
  PORT_IN_USE: 5,
  ALREADY_RUNNING: 6,
  START_FAILED: 1,
  START_CANCELLED: 1,
  SHUTTING_DOWN: 1,
  STOP_FAILED: 1,
  LOCK_FAILED: 1,
  PID_FILE_CORRUPTED: 7,
  FILE_IN_THE_WAY: 7,
  PERMISSION_DENIED: 7,
  // 128 + SIGINT, as a shell reports a command ended by Ctrl-C.
  INTERRUPTED: 130,
};

/** The exit status of an unexpected error (a bug in tend), as sysexits' EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;

/** Tells whether `value` is a known {@linkcode ErrorCode}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(EXIT_CODES, value);
}

/**
 * The message of `error` when it is an `Error`, else `String(error)`: what a
 * log line or a sentence says about anything caught.
 *
 * @example
 * ```ts
 * import { messageOf } from "./errors.ts";
 * messageOf(new Error("gone")); // "gone"
 * messageOf(42); // "42"
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
