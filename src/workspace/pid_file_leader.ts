import { servicePidFile, type WorkspacePaths } from "../config/paths.ts";
import { readPidFile } from "../fence/pid_file.ts";
import type { Identity } from "../proc/identity.ts";
import { readEnvTag, readProcess } from "../proc/scan.ts";
import { startedAtMs } from "../proc/start_time.ts";

/**
 * Slack between a process's start and its PID file's mtime: the kernel
 * stamps files with a coarse clock (a few ms behind the tick clock).
 */
const MTIME_SLACK_MS = 50;

/** A service process recorded in its PID file, checked to be that service. */
export interface RecordedLeader {
  identity: Identity;
  /** The `PORT` it was given, if any. */
  port: number | null;
}

/** Options of {@linkcode pidFileLeader}. */
export interface PidFileLeaderOptions {
  /** The service whose PID file is read. */
  name: string;
  /** The current boot's ID. */
  bootId: string;
}

/**
 * The process that service `name`'s PID file records, when it still is
 * that process: alive (not a zombie), of this user, leader of its own
 * process group, tagged `TEND_WORKSPACE=<root>` and `TEND_SERVICE=<name>`,
 * and started in this boot no later than the PID file was written (a PID
 * reused after the write started later). `null` otherwise, and when the
 * file is absent, empty or damaged.
 *
 * tend writes a service's PID file right after spawning it and before
 * saving state.json, so this finds a service whose supervisor died between
 * the two, or whose state.json was damaged. A tagged process that no PID
 * file or state record names is an orphan, never a service.
 */
export async function pidFileLeader(
  paths: WorkspacePaths,
  options: PidFileLeaderOptions,
): Promise<RecordedLeader | null> {
  const file = servicePidFile(paths, options.name);
  const pid = await readPidFile(file).catch(() => null);
  if (pid === null) return null;
  const written = (await Deno.lstat(file).catch(() => null))?.mtime;
  const info = await readProcess(pid);
  if (!written || info === null || info.pgrp !== pid) return null;
  const uid = Deno.uid();
  if (uid !== null && info.uid !== uid) return null;
  const tags = await readEnvTag(pid, [
    "TEND_WORKSPACE",
    "TEND_SERVICE",
    "PORT",
  ]);
  if (
    tags?.TEND_WORKSPACE !== paths.root || tags.TEND_SERVICE !== options.name
  ) {
    return null;
  }
  const startMs = await startedAtMs(info.startTicks);
  const writtenMs = written.getTime();
  if (startMs > writtenMs + MTIME_SLACK_MS) return null;
  if (writtenMs < await startedAtMs(0)) return null;
  const port = Number(tags.PORT);
  return {
    identity: { pid, startTicks: info.startTicks, bootId: options.bootId },
    port: Number.isInteger(port) && port > 0 ? port : null,
  };
}
