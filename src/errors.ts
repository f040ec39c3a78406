/** Every way tend can fail that a user or a script should tell apart. */
export type ErrorCode =
  | "USAGE"
  | "CONFIG_INVALID"
  | "UNKNOWN_SERVICE"
  | "ALREADY_RUNNING"
  | "NOT_RUNNING"
  | "LOCK_FAILED"
  | "PORT_IN_USE"
  | "START_FAILED"
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

/** The one domain error of tend: a code, one sentence, and maybe a hint. */
export class TendError extends Error {
  override readonly name = "TendError";
  /** What kind of failure this is; scripts match on it. */
  readonly code: ErrorCode;
  /** A next step for the user. */
  readonly hint: string | undefined;

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

/** The exit status of each code; the compiler rejects a code without one. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  USAGE: 2,
  NOT_RUNNING: 3,
  CONFIG_INVALID: 4,
  UNKNOWN_SERVICE: 4,
  PORT_IN_USE: 5,
  ALREADY_RUNNING: 6,
  START_FAILED: 1,
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
