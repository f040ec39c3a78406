import { lazyImport } from "../_lazy.ts";
import { TendError } from "../errors.ts";
import type { Handshake } from "../ipc/protocol.ts";
import { resolveWorkspace } from "../client/where.ts";
import { GO } from "../client/standby.ts";
import { redirectStderr } from "../proc/log_fd.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** The mode of the supervisor log when it is created (as `_launch.ts`). */
const LOG_FILE_MODE = 0o644;

/** `tend __supervise`: the background supervisor that `start` launches. */
export async function run(
  ctx: Context,
  args: ArgsOf<"__supervise">,
): Promise<number> {
  const ws = await resolveWorkspace(ctx);
  const loading = lazyImport<typeof import("../supervisor/run.ts")>(
    new URL("../supervisor/run.ts", import.meta.url),
  );
  loading.catch(() => {}); // awaited below, unless there is no go
  if (args.values.standby === true) {
    // While the CLI checks the config: what the supervisor's first steps
    // would otherwise load after the go.
    loading.then(({ warmRuntime }) => warmRuntime(), () => {});
    if (!await toldToGo(ws)) return 0;
  }
  let answered = false;
  const answer = (message: Handshake) => {
    answered = true;
    ctx.out.data(JSON.stringify(message));
  };
  const { runSupervisor } = await loading;
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

/**
 * Waits for the launching CLI's go on stdin (see `src/client/standby.ts`), then points
 * stderr at the supervisor log, as a launch without standby does. Anything
 * but a go (the CLI ended, or needs no supervisor): `false`, nothing done.
 */
async function toldToGo(ws: Workspace): Promise<boolean> {
  const reader = Deno.stdin.readable.getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const chunk = await reader.read();
      if (chunk.done) return false;
      text += new TextDecoder().decode(chunk.value);
    }
  } catch {
    return false;
  } finally {
    reader.releaseLock();
  }
  if (text !== GO) return false;
  redirectStderr(ws.paths.supervisorLog, LOG_FILE_MODE);
  return true;
}
