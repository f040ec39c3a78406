import { type ErrorCode, messageOf, TendError } from "../errors.ts";

/**
 * What each action does, in words, and the code an unexpected failure of it
 * gets: the failed operation's own code (`START_FAILED`, `STOP_FAILED`),
 * `CONFIG_INVALID` for opening, `NOT_RUNNING` for a read that could not find
 * out.
 */
const ACTIONS = {
  open: ["open the workspace", "CONFIG_INVALID"],
  start: ["start services", "START_FAILED"],
  restart: ["restart services", "START_FAILED"],
  reload: ["reload the config", "START_FAILED"],
  stop: ["stop services", "STOP_FAILED"],
  kill: ["kill services", "STOP_FAILED"],
  down: ["stop the workspace", "STOP_FAILED"],
  status: ["read the status", "NOT_RUNNING"],
  logs: ["read the logs", "NOT_RUNNING"],
} as const satisfies Record<string, readonly [string, ErrorCode]>;

/** An action of the library API. */
export type Action = keyof typeof ACTIONS;

/**
 * `error` as a {@linkcode TendError}: itself when it is one, else wrapped
 * (a permission failure as `PERMISSION_DENIED`, anything else with the
 * action's code), the original kept as `cause`.
 */
export function asTendError(error: unknown, action: Action): TendError {
  if (error instanceof TendError) return error;
  const [what, code] = ACTIONS[action];
  const message = `Cannot ${what}: ${messageOf(error)}`;
  if (
    error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.NotCapable
  ) {
    return new TendError("PERMISSION_DENIED", message, {
      hint: "tend needs --allow-all (Deno grants /proc reads only with it)",
      cause: error,
    });
  }
  return new TendError(code, message, { cause: error });
}

/** Runs `work`, turning whatever it throws into a {@linkcode TendError}. */
export async function wrapped<T>(
  action: Action,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asTendError(error, action);
  }
}
