import type { ActionResponse } from "../ipc/protocol.ts";
import type { LaunchStart } from "../ipc/go.ts";
import type { ControlHandler } from "../ipc/server.ts";

/**
 * The control handler of a supervisor whose launching CLI sent a start
 * with its go (src/ipc/go.ts), and the call that begins that start. Begun
 * once the socket listens (a supervisor that cannot serve starts nothing),
 * it runs as any start does; the request that carries its id in the
 * `x-tend-launch` header, and asks for the same names, gets its answer,
 * once. Every other start, an earlier one included, runs on its own.
 *
 * A CLI that dies or gives up before its request leaves the start going,
 * as a Ctrl-C after the request does.
 */
export function withLaunchStart(
  handler: ControlHandler,
  start: LaunchStart,
): { handler: ControlHandler; begin(): void } {
  let answer: Promise<ActionResponse> | null = null;
  const isIt = (names: readonly string[], wait: boolean) =>
    wait === start.wait && names.length === start.names.length &&
    names.every((name, i) => name === start.names[i]);
  return {
    handler: {
      ...handler,
      start(names, options, launch) {
        if (
          answer !== null && launch === start.id && isIt(names, options.wait)
        ) {
          const taken = answer;
          answer = null;
          return taken;
        }
        return handler.start(names, options, launch);
      },
    },
    begin() {
      if (answer !== null) return;
      answer = handler.start([...start.names], { wait: start.wait });
      // Its failure is the answer to the CLI's request, or to nobody.
      answer.catch(() => {});
    },
  };
}
