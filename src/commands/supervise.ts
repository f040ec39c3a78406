import { lazyImport } from "../_lazy.ts";
import { TendError } from "../errors.ts";
import type { Handshake } from "../ipc/protocol.ts";
import { resolveWorkspace } from "../client/where.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend __supervise`: the background supervisor that `start` launches. */
export async function run(
  ctx: Context,
  _args: ArgsOf<"__supervise">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  let answered = false;
  const answer = (message: Handshake) => {
    answered = true;
    ctx.out.data(JSON.stringify(message));
  };
  const { runSupervisor } = await lazyImport<
    typeof import("../supervisor/run.ts")
  >(new URL("../supervisor/run.ts", import.meta.url));
  try {
    return await runSupervisor({
      root: ws.root,
      configFile: ws.configFile,
      foreground: false,
      startAll: false,
      handshake: answer,
      timing: ctx.timing,
    });
  } catch (error) {
    if (answered || !(error instanceof TendError)) throw error;
    answer({
      ok: false,
      error: { code: error.code, message: error.message, hint: error.hint },
    });
    return 1;
  }
}
