import type { WorkspacePaths } from "../config/paths.ts";
import { TendError } from "../errors.ts";
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
import { findTaggedLeaders, type TaggedLeader } from "../workspace/tagged.ts";
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
 * running (by recorded identity, then by workspace tag), ends tracked
 * processes the config no longer lists, and restarts services that died
 * while no supervisor ran when their policy says so.
 */
export async function recoverServices(
  runners: ReadonlyMap<string, ServiceRunner>,
  options: RecoverOptions,
): Promise<void> {
  const state = await readStateOrRecover(options);
  const tagged = await findTaggedLeaders(options.paths.root, options.bootId);
  const revive: ServiceRunner[] = [];
  for (const runner of runners.values()) {
    const record = state.services[runner.name];
    const adopted = record !== undefined && await runner.adopt(record);
    const leader = tagged.get(runner.name);
    if (!adopted && leader) {
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
    tagged.delete(runner.name);
  }
  await endUnlisted({ runners, state, tagged }, options);
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

/** Stops services that run (by record or by tag) but are not in the config. */
async function endUnlisted(
  found: {
    runners: ReadonlyMap<string, ServiceRunner>;
    state: StateFile;
    tagged: ReadonlyMap<string, TaggedLeader>;
  },
  options: RecoverOptions,
): Promise<void> {
  const leftovers = new Map<string, Identity>();
  for (const [name, leader] of found.tagged) {
    leftovers.set(name, leader.identity);
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

function logError(log: Log, subject: string, error: unknown): void {
  log.error("{subject}: {error}", {
    subject,
    error: error instanceof Error ? error.message : String(error),
  });
}
