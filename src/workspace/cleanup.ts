import { pathExists } from "../_path_exists.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { readPidFile } from "../fence/pid_file.ts";
import { removeIfPresent } from "../fence/safe_file.ts";
import { isProcessAlive } from "../proc/alive.ts";
import type { CleanupResponse } from "../ipc/protocol.ts";
import { endOrphans, findOrphans } from "./tagged.ts";

/** Temp files of atomic writes: `<file>.<writer pid>.<8 hex>.tmp`. */
const TEMP_FILE = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** A write takes milliseconds: a temp file this old was left behind. */
const TEMP_FILE_MAX_AGE_MS = 60_000;

/** What {@linkcode cleanWorkspace} needs to know. */
export interface CleanupOptions {
  paths: WorkspacePaths;
  bootId: string;
  /** PIDs (= process groups) of the services being tracked, by name. */
  tracked: ReadonlyMap<string, number>;
  /** Whether a supervisor serves the socket (then it is not stale). */
  supervisorLive: boolean;
  dryRun: boolean;
  /** How long orphans get to exit after SIGTERM (`Timing.orphanGraceMs`). */
  graceMs: number;
}

/**
 * Finds processes tagged with the workspace that no service tracks, and
 * stale files under `.tend/run`; ends and removes them unless `dryRun`. The
 * caller holds the workspace lock, or is the supervisor and has paused every
 * service operation, so nothing is spawned meanwhile.
 */
export async function cleanWorkspace(
  options: CleanupOptions,
): Promise<CleanupResponse> {
  const orphans = await findOrphans(options.paths.root, {
    tracked: new Set(options.tracked.values()),
    bootId: options.bootId,
  });
  const staleFiles = await findStaleFiles(options);
  let killed: number[] = [];
  if (!options.dryRun) {
    killed = await endOrphans(orphans, {
      signal: "SIGTERM",
      timeoutMs: options.graceMs,
    });
    for (const file of staleFiles) await removeIfPresent(file);
  }
  return {
    orphans: orphans.map(({ identity: _, ...view }) => view),
    staleFiles,
    killed,
    dryRun: options.dryRun,
  };
}

/**
 * Whether a temp file was left by an interrupted write, rather than being
 * written right now (by the supervisor, or a CLI under the lock): its writer
 * is gone, or it is older than any write takes.
 */
async function leftBehind(file: string, writer: number): Promise<boolean> {
  if (!isProcessAlive(writer)) return true;
  const info = await Deno.lstat(file).catch(() => null);
  const mtime = info?.mtime?.getTime() ?? 0;
  return info !== null && Date.now() - mtime > TEMP_FILE_MAX_AGE_MS;
}

async function findStaleFiles(options: CleanupOptions): Promise<string[]> {
  const { paths } = options;
  const stale: string[] = [];
  for await (const entry of Deno.readDir(paths.runDir)) {
    const file = `${paths.runDir}/${entry.name}`;
    const temp = TEMP_FILE.exec(entry.name);
    if (temp !== null) {
      if (await leftBehind(file, Number(temp[1]))) stale.push(file);
    } else if (entry.name.endsWith(".pid") && entry.name !== "supervisor.pid") {
      const name = entry.name.slice(0, -".pid".length);
      const pid = await readPidFile(file).catch(() => -1);
      if (pid === null || pid !== options.tracked.get(name)) stale.push(file);
    }
  }
  if (!options.supervisorLive) {
    for (
      const file of [
        paths.supervisorPidFile,
        paths.supervisorJson,
        paths.socket,
      ]
    ) {
      if (await pathExists(file)) stale.push(file);
    }
  }
  return stale;
}
