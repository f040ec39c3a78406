import { lazyImport } from "../_lazy.ts";
import type { Config } from "../config/schema.ts";
import { TendError } from "../errors.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { ensureParentDir } from "../fence/parent_dir.ts";
import { readPidFile, replacePidFile } from "../fence/pid_file.ts";
import {
  readOwnFile,
  removeIfPresent,
  writeAtomic,
} from "../fence/safe_file.ts";
import { readIdentity } from "../proc/identity.ts";
import { VERSION } from "../version.ts";
import { claimExtraPidFile, releaseExtraPidFile } from "./extra_pid_file.ts";
import type { Descriptor } from "./descriptor_schema.ts";

export type { Descriptor } from "./descriptor_schema.ts";

/** supervisor.json is a few hundred bytes; anything huge is not ours. */
const DESCRIPTOR_MAX_BYTES = 64 * 1024;

/** How a supervisor runs: detached, or in a terminal (`tend up`). */
export type SupervisorMode = Descriptor["mode"];

/** Where {@linkcode writeDescriptor} reports trouble: the supervisor's log. */
export interface DescriptorLog {
  warn(message: string, properties?: Record<string, unknown>): void;
}

/**
 * Writes supervisor.pid (create-only, replacing a stale one) and
 * supervisor.json, plus mi7soft-daemon's `pid_file` when configured.
 */
export async function writeDescriptor(
  paths: WorkspacePaths,
  options: {
    config: Config;
    bootId: string;
    log: DescriptorLog;
    mode: SupervisorMode;
  },
): Promise<void> {
  const stale = await readPidFile(paths.supervisorPidFile).catch(() =>
    "corrupted"
  );
  if (stale !== null && stale !== Deno.pid) {
    options.log.warn("replacing stale supervisor.pid ({stale})", {
      stale: String(stale),
    });
  }
  await replacePidFile(paths.supervisorPidFile, Deno.pid);
  const identity = await readIdentity(Deno.pid, options.bootId);
  if (identity === null) {
    throw new TendError(
      "START_FAILED",
      "Cannot start a supervisor: cannot read its own process identity",
    );
  }
  const descriptor: Descriptor = {
    pid: Deno.pid,
    identity,
    mode: options.mode,
    startedAt: new Date().toISOString(),
    version: VERSION,
    workspace: paths.root,
    config: options.config.file,
    socket: paths.socket,
    http: null,
  };
  await writeAtomic(
    paths.supervisorJson,
    JSON.stringify(descriptor, null, 2) + "\n",
  );
  const extra = options.config.daemon.pidFile;
  if (extra !== null) {
    // A missing directory is created (mi7soft configs name /var/run/... or
    // a folder of their own); a failure is reported by the claim below.
    await ensureParentDir(extra, { root: paths.root }).catch(() => {});
    await claimExtraPidFile(extra, { log: options.log });
  }
}

/** Reads supervisor.json; `null` when absent, damaged, or not of this shape. */
export async function readDescriptor(
  paths: WorkspacePaths,
): Promise<Descriptor | null> {
  try {
    const text = await readOwnFile(paths.supervisorJson, {
      maxBytes: DESCRIPTOR_MAX_BYTES,
    });
    if (text === null) return null;
    // zod is loaded for this: a supervisor that finds no file never loads it.
    const { Descriptor } = await lazyImport<
      typeof import("./descriptor_schema.ts")
    >(new URL("./descriptor_schema.ts", import.meta.url));
    return Descriptor.safeParse(JSON.parse(text)).data ?? null;
  } catch {
    return null;
  }
}

/**
 * Records in supervisor.json the URL the HTTP API listens at, so that
 * `tend ui` and other clients find it.
 */
export async function recordHttpUrl(
  paths: WorkspacePaths,
  url: string,
): Promise<void> {
  const text = await readOwnFile(paths.supervisorJson, {
    maxBytes: DESCRIPTOR_MAX_BYTES,
  });
  if (text === null) return;
  const data = JSON.parse(text) as Record<string, unknown>;
  if (data.pid !== Deno.pid) return;
  data.http = url;
  await writeAtomic(
    paths.supervisorJson,
    JSON.stringify(data, null, 2) + "\n",
  );
}

/** Removes the files {@linkcode writeDescriptor} wrote. */
export async function removeDescriptor(
  paths: WorkspacePaths,
  config: Config,
): Promise<void> {
  await removeIfPresent(paths.supervisorPidFile);
  await removeIfPresent(paths.supervisorJson);
  await removeIfPresent(paths.httpTokenFile);
  if (config.daemon.pidFile !== null) {
    await releaseExtraPidFile(config.daemon.pidFile);
  }
}
