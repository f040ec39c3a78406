/**
 * What reaches the supervisor's process from outside its services: signals,
 * and errors that nothing handled.
 */
import { messageOf } from "../errors.ts";
import type { Log } from "./log.ts";
import type { Supervisor } from "./supervisor.ts";

/**
 * Ends the supervisor on SIGTERM and SIGINT (stopping every service in the
 * foreground) and on SIGHUP in the foreground (the terminal closed); in the
 * background SIGHUP reloads the config. Returns the remover of the listeners.
 */
export function listenForSignals(options: {
  supervisor: Supervisor;
  log: Log;
  foreground: boolean;
  stop: PromiseWithResolvers<{ stopServices: boolean }>;
}): () => void {
  const { supervisor, log, foreground } = options;
  const STOP_SERVICES = true;
  // Closed at once: no start is accepted while the supervisor ends.
  const end = (stopServices: boolean) => {
    supervisor.close();
    options.stop.resolve({ stopServices });
  };
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGTERM", () => {
      log.info("got SIGTERM");
      end(foreground);
    }],
    ["SIGINT", () => {
      log.info("got SIGINT");
      end(foreground);
    }],
    ["SIGHUP", () => {
      if (foreground) {
        log.info("got SIGHUP: the terminal closed");
        end(STOP_SERVICES);
        return;
      }
      log.info("got SIGHUP: reloading the config");
      supervisor.reload().catch((error) =>
        log.error("reload failed, keeping the running config: {error}", {
          error: messageOf(error),
        })
      );
    }],
  ];
  for (const [signal, handler] of handlers) {
    Deno.addSignalListener(signal, handler);
  }
  return () => {
    for (const [signal, handler] of handlers) {
      Deno.removeSignalListener(signal, handler);
    }
  };
}

/**
 * A rejected promise or an exception that nothing handled would end the
 * supervisor, and with it the supervision of every service: log it as the
 * bug it is and keep serving. Each service's operations run one at a time,
 * so one failed operation leaves the others consistent.
 */
export function catchStrayErrors(log: Log): Disposable {
  const report = (what: string, reason: unknown) =>
    log.error("bug: {what} was not handled, the supervisor goes on: {error}", {
      what,
      error: reason instanceof Error
        ? (reason.stack ?? reason.message)
        : String(reason),
    });
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    report("a rejected promise", event.reason);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    report("an exception", event.error ?? event.message);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  return {
    [Symbol.dispose]() {
      globalThis.removeEventListener("unhandledrejection", onRejection);
      globalThis.removeEventListener("error", onError);
    },
  };
}
