import { pathExists } from "../_path_exists.ts";
import { findWorkspace } from "../config/workspace.ts";
import { workspacePaths } from "../config/paths.ts";
import { canRedirectStderr } from "../proc/log_fd.ts";
import { sessionCommand } from "../proc/session_spawn.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { selfCommand, supervisorRunFlags } from "./self_command.ts";
import type { FindWorkspaceOptions } from "../config/workspace.ts";

/**
 * A supervisor launched ahead of need: `tend start` spawns it as soon as it
 * knows the workspace and sees no socket, so that the supervisor loads its
 * code (most of a cold start) while the CLI loads its own and checks the
 * config. It does nothing until the CLI, holding the launch lock, tells it
 * to go (src/ipc/go.ts), with the start the CLI asks for: then it is the
 * supervisor the CLI launches ({@linkcode takeStandby}). A CLI that needs no supervisor after all (bad
 * config, nothing to start, one already answers) kills it; a CLI that dies
 * closes its stdin, and a standby that reads the end exits untouched.
 *
 * Its stderr is nowhere until it goes: its log may not exist yet, and a bad
 * config must leave no `.tend/` behind. It then points its stderr at its log
 * itself (`redirectStderr`), so a standby is used only where that works.
 */
export interface Standby {
  readonly root: string;
  readonly configFile: string;
  readonly child: Deno.ChildProcess;
}

/** The one standby of this process, until taken or ended. */
let waiting: Standby | null = null;

/**
 * Launches a standby supervisor for the workspace of `ctx` when none
 * answers there; the returned disposer kills it unless it was taken.
 * Never throws: anything amiss (no workspace, a socket in place, no FFI)
 * leaves the launch to the usual path.
 */
export async function launchStandby(
  ctx: {
    readonly cwd: string;
    readonly globals: Pick<FindWorkspaceOptions, "workspace" | "config">;
  },
): Promise<AsyncDisposable> {
  const none = { [Symbol.asyncDispose]: () => Promise.resolve() };
  if (waiting !== null) return none;
  try {
    const { root, configFile } = await findWorkspace({
      cwd: ctx.cwd,
      workspace: ctx.globals.workspace,
      config: ctx.globals.config,
    });
    if (await pathExists(workspacePaths(root).socket)) return none;
    const self = selfCommand(
      ["__supervise", "--standby", "-C", root, "-c", configFile],
      { runFlags: supervisorRunFlags() },
    );
    // Its own session through setsid(1) where it can: a `detached` spawn
    // forks this whole process (see session_spawn.ts).
    const session = sessionCommand({ ...self, env: {} });
    const child = new Deno.Command(session?.command ?? self.command, {
      args: session?.args ?? self.args,
      cwd: root,
      env: { TEND_SUPERVISOR: root },
      detached: session === null,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const standby = { root, configFile, child };
    waiting = standby;
    // Checked once it runs: loading libc (1 to 2 ms here) need not delay it.
    if (!canRedirectStderr()) {
      await endStandby(standby);
      return none;
    }
    return { [Symbol.asyncDispose]: () => endStandby(standby) };
  } catch {
    return none;
  }
}

/**
 * The standby launched for `ws`, now the caller's to tell to go (or to
 * end); `null` when there is none for this workspace.
 */
export function takeStandby(ws: Workspace): Standby | null {
  const standby = waiting;
  if (
    standby === null || standby.root !== ws.root ||
    standby.configFile !== ws.configFile
  ) return null;
  waiting = null;
  return standby;
}

/** Kills a standby nobody took and waits for its exit. */
async function endStandby(standby: Standby): Promise<void> {
  if (waiting !== standby) return;
  waiting = null;
  try {
    standby.child.kill("SIGKILL");
  } catch {
    // Already exited.
  }
  await standby.child.stdin.abort().catch(() => {});
  await standby.child.stdout.cancel().catch(() => {});
  await standby.child.status;
}
