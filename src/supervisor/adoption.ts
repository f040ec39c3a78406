import type { WorkspacePaths } from "../config/paths.ts";
import { messageOf, TendError } from "../errors.ts";
import type { Identity } from "../proc/identity.ts";
import { endGroup } from "../workspace/end_group.ts";
import type { Log } from "./log.ts";
import type { ServiceRunner } from "./service_runner.ts";
import {
  emptyRecord,
  emptyState,
  readState,
  type StateFile,
} from "../workspace/state_file.ts";
import { pidFileLeader } from "../workspace/pid_file_leader.ts";
import type { Timing } from "../timing.ts";

/** What {@linkcode recoverServices} needs. */
export interface RecoverOptions {
  paths: WorkspacePaths;
  bootId: string;
  log: Log;
  /** `unlistedGraceMs`: how long a service the config no longer lists gets to stop. */
  timing: Pick<Timing, "unlistedGraceMs">;
}

/**
 * What a new supervisor does first: adopts the services an earlier one left
 * running, ends recorded processes the config no longer lists, and restarts
 * services that died while no supervisor ran when their policy says so.
 *
 * A process is adopted only by its identity (pid, start time, boot) as
 * recorded in state.json, or in the service's PID file (written between
 * spawn and the save of state.json; see {@linkcode pidFileLeader}). A
 * process that merely carries the workspace's tag (a daemon a service left
 * behind) is an orphan for `tend cleanup`, never the service.
 */
export async function recoverServices(
  runners: ReadonlyMap<string, ServiceRunner>,
  options: RecoverOptions,
): Promise<void> {
  const state = await readStateOrRecover(options);
  const { paths, bootId } = options;
  // One listing rather than one lstat per service, each a trip through the
  // thread pool in turn, to find that most have no PID file (a cold start).
  const files = await runDirEntries(paths);
  const revive: ServiceRunner[] = [];
  for (const runner of runners.values()) {
    const record = state.services[runner.name];
    const adopted = record !== undefined && await runner.adopt(record);
    const listed = files === null || files.has(`${runner.name}.pid`);
    const leader = adopted || !listed
      ? null
      : await pidFileLeader(paths, { name: runner.name, bootId });
    if (leader !== null) {
      await runner.adopt({
        ...emptyRecord(),
        ...record,
        desired: "running",
        identity: leader.identity,
        port: leader.port,
      });
    } else if (
      !adopted && record?.desired === "running" &&
      runner.config.restart !== "never"
    ) {
      revive.push(runner);
    }
  }
  await endUnlisted({ runners, state }, options);
  for (const runner of revive) {
    runner.revive().catch((error) => logError(options.log, runner.name, error));
  }
}

/** state.json, or, when it is damaged, an empty state (the file is moved aside). */
async function readStateOrRecover(options: RecoverOptions): Promise<StateFile> {
  const file = options.paths.stateFile;
  try {
    return await readState(file);
  } catch (error) {
    if (!(error instanceof TendError) || error.code !== "PID_FILE_CORRUPTED") {
      throw error;
    }
    const aside = `${file}.corrupt-${Date.now()}`;
    await Deno.rename(file, aside).catch(() => {});
    options.log.warn(
      "{file} was damaged; moved it to {aside} and recovering by workspace tag",
      { file, aside },
    );
    return emptyState();
  }
}

/** Stops recorded services (state.json, PID files) the config no longer lists. */
async function endUnlisted(
  found: {
    runners: ReadonlyMap<string, ServiceRunner>;
    state: StateFile;
  },
  options: RecoverOptions,
): Promise<void> {
  const leftovers = new Map<string, Identity>();
  for (const name of pidFileNames(await readRunDir(options.paths))) {
    if (found.runners.has(name)) continue;
    const leader = await pidFileLeader(options.paths, {
      name,
      bootId: options.bootId,
    });
    if (leader !== null) leftovers.set(name, leader.identity);
  }
  for (const [name, record] of Object.entries(found.state.services)) {
    if (!found.runners.has(name) && record.identity) {
      leftovers.set(name, record.identity);
    }
  }
  for (const [name, identity] of leftovers) {
    options.log.info(
      "{service} is no longer in the config; stopping pid {pid}",
      {
        service: name,
        pid: identity.pid,
      },
    );
    await endGroup(identity, {
      root: options.paths.root,
      signal: "SIGTERM",
      timeoutMs: options.timing.unlistedGraceMs,
    }).catch((error) => logError(options.log, name, error));
  }
}

/** Names of the services with a PID file among the entries of `.tend/run`. */
function pidFileNames(files: ReadonlyMap<string, boolean>): string[] {
  const names: string[] = [];
  for (const [file, isFile] of files) {
    const name = /^(.+)\.pid$/.exec(file)?.[1];
    if (isFile && name !== undefined && name !== "supervisor") {
      names.push(name);
    }
  }
  return names;
}

/** The entries of `.tend/run`: name → whether it is a plain file. */
async function readRunDir(
  paths: WorkspacePaths,
): Promise<Map<string, boolean>> {
  const files = new Map<string, boolean>();
  for await (const entry of Deno.readDir(paths.runDir)) {
    files.set(entry.name, entry.isFile);
  }
  return files;
}

/** {@linkcode readRunDir}, or `null` when it fails (each file is looked up). */
function runDirEntries(
  paths: WorkspacePaths,
): Promise<Map<string, boolean> | null> {
  return readRunDir(paths).catch(() => null);
}

function logError(log: Log, subject: string, error: unknown): void {
  log.error("{subject}: {error}", {
    subject,
    error: messageOf(error),
  });
}
