import { lazyImport } from "../_lazy.ts";
import { procLocksAhead } from "../supervisor/guard.ts";
import { warmRuntime } from "../supervisor/warm_runtime.ts";
import { TendError } from "../errors.ts";
import type { Handshake } from "../ipc/protocol.ts";
import { resolveWorkspace } from "../client/where.ts";
import { type Go, MAX_GO_BYTES, readGoLine } from "../ipc/go.ts";
import { holdLibc, redirectStderr } from "../proc/log_fd.ts";
import { LOG_FILE_MODE } from "../fence/safe_file.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Context } from "./command.ts";
import type { ArgsOf } from "./_info.ts";

/** `tend __supervise`: the background supervisor that `start` launches. */
export async function run(
  ctx: Context,
  args: ArgsOf<"__supervise">,
): Promise<number> {
  // Loading while the workspace is found: the most of a standby's wait.
  const loading = lazyImport<typeof import("../supervisor/run.ts")>(
    new URL("../supervisor/run.ts", import.meta.url),
  );
  loading.catch(() => {}); // awaited below, unless there is no go
  const ws = await resolveWorkspace(ctx);
  // Its wait passes while the modules load (see procLocksAhead).
  const procLocks = procLocksAhead(ws.paths);
  // While the modules load, and the CLI checks the config: what the
  // supervisor's first steps would otherwise load after the go.
  if (args.values.standby === true) warmRuntime();
  // libc, loaded before the go and held for the supervisor's life: the go's
  // stderr redirect and the spawns share this one load (a load is 1 to 10
  // ms of the main thread here, measured).
  using _libc = args.values.standby === true ? holdLibc() : null;
  let go: Go = { start: null };
  if (args.values.standby === true) {
    const told = await toldToGo(ws);
    if (told === null) return 0;
    go = told;
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
      launchStart: go.start,
      handshake: answer,
      timing: ctx.timing,
      procLocks,
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
 * Waits for the launching CLI's go on stdin (see `src/client/standby.ts`
 * and `src/ipc/go.ts`), then points stderr at the supervisor log, as a
 * launch without standby does. Anything but a go line (the CLI ended, or
 * needs no supervisor): `null`, nothing done.
 */
async function toldToGo(ws: Workspace): Promise<Go | null> {
  const reader = Deno.stdin.readable.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      if (text.length > MAX_GO_BYTES) return null;
      const chunk = await reader.read();
      if (chunk.done) return null;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    return null;
  } finally {
    reader.releaseLock();
  }
  const newline = text.indexOf("\n");
  if (newline !== text.length - 1) return null;
  const go = readGoLine(text.slice(0, newline));
  if (go === null) return null;
  redirectStderr(ws.paths.supervisorLog, LOG_FILE_MODE);
  return go;
}
