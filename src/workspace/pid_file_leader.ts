import { servicePidFile, type WorkspacePaths } from "../config/paths.ts";
import { readPidFile } from "../fence/pid_file.ts";
import type { Identity } from "../proc/identity.ts";
import { readEnvTag, readProcess } from "../proc/scan.ts";
import { startedAtMs } from "../proc/start_time.ts";
import { listTaggedLeaders } from "./tagged.ts";

/**
 * How long after an empty PID file was written (just before a spawn) the
 * spawned process may start: the spawn itself takes milliseconds.
 */
const SPAWN_WINDOW_MS = 10_000;
/**
 * Slack between a process's start and its PID file's mtime: the kernel
 * stamps files with a coarse clock (a few ms behind the tick clock).
 */
const MTIME_SLACK_MS = 100;

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
  const written = (await Deno.lstat(file).catch(() => null))?.mtime;
  if (!written) return null;
  const pid = await readPidFile(file).catch(() => -1);
  if (pid === -1) return null;
  const writtenMs = written.getTime();
  if (writtenMs < await startedAtMs(0)) return null;
  if (pid === null) return await spawnedAfter(paths, { ...options, writtenMs });
  const info = await readProcess(pid);
  if (info === null || info.pgrp !== pid) return null;
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
  if (await startedAtMs(info.startTicks) > writtenMs + MTIME_SLACK_MS) {
    return null;
  }
  const port = Number(tags.PORT);
  return {
    identity: { pid, startTicks: info.startTicks, bootId: options.bootId },
    port: Number.isInteger(port) && port > 0 ? port : null,
  };
}

/**
 * An empty PID file is written just before a spawn: when the supervisor
 * died before it could write the PID, the service's tagged group leader
 * that started first within {@linkcode SPAWN_WINDOW_MS} after it is the
 * process that spawn made.
 */
async function spawnedAfter(
  paths: WorkspacePaths,
  options: PidFileLeaderOptions & { writtenMs: number },
): Promise<RecordedLeader | null> {
  const leaders = await listTaggedLeaders(paths.root, options.bootId);
  let first: RecordedLeader | null = null;
  for (const leader of leaders) {
    if (leader.service !== options.name) continue;
    const startMs = await startedAtMs(leader.identity.startTicks);
    if (
      startMs < options.writtenMs - MTIME_SLACK_MS ||
      startMs > options.writtenMs + SPAWN_WINDOW_MS
    ) {
      continue;
    }
    if (
      first === null || leader.identity.startTicks < first.identity.startTicks
    ) {
      first = { identity: leader.identity, port: leader.port };
    }
  }
  return first;
}
