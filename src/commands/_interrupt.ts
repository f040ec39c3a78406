import { TendError } from "../errors.ts";

/**
 * Runs `work` (a request to the supervisor) until it ends or the user
 * presses Ctrl-C. On Ctrl-C the request is abandoned (the supervisor goes
 * on with it) and this rejects with `INTERRUPTED`, whose sentence says what
 * keeps running: `doing` names what the supervisor carries on with.
 */
export async function untilInterrupted<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: { doing: string; names: readonly string[] },
): Promise<T> {
  const abort = new AbortController();
  const interrupted = Promise.withResolvers<never>();
  const onInterrupt = () => {
    abort.abort();
    const which = options.names.length > 0 ? ` ${options.names.join(" ")}` : "";
    interrupted.reject(
      new TendError(
        "INTERRUPTED",
        `Interrupted: the supervisor keeps ${options.doing} in the background, and what already started keeps running`,
        {
          hint: `See "tend status"; stop them with "tend stop${which}"`,
        },
      ),
    );
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    return await Promise.race([work(abort.signal), interrupted.promise]);
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}
