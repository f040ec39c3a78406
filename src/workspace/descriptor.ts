import type { Config } from "../config/schema.ts";
import type { WorkspacePaths } from "../config/paths.ts";
import { ensureParentDir } from "../fence/parent_dir.ts";
import { readPidFile, replacePidFile } from "../fence/pid_file.ts";
import {
  readOwnFile,
  removeIfPresent,
  writeAtomic,
} from "../fence/safe_file.ts";
import {
  type Identity,
  isValidIdentity,
  readIdentity,
} from "../proc/identity.ts";
import { VERSION } from "../version.ts";

/** supervisor.json is a few hundred bytes; anything huge is not ours. */
const DESCRIPTOR_MAX_BYTES = 64 * 1024;

/** How a supervisor runs: detached, or in a terminal (`tend up`). */
export type SupervisorMode = "background" | "foreground";

/** What supervisor.json says of the supervisor that wrote it. */
export interface Descriptor {
  identity: Identity;
  mode: SupervisorMode;
  startedAt: string | null;
  version: string | null;
}

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
  const descriptor = {
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
    await ensureParentDir(extra, { root: paths.root }).then(() =>
      writeAtomic(extra, `${Deno.pid}\n`, { mode: 0o644 })
    ).catch((error) =>
      options.log.warn("cannot write pid_file {file}: {error}", {
        file: extra,
        error: String(error),
      })
    );
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
    const data = JSON.parse(text) as Record<string, unknown>;
    if (!isValidIdentity(data.identity)) return null;
    const mode = data.mode === "foreground" ? "foreground" : "background";
    return {
      identity: data.identity,
      mode,
      startedAt: shortString(data.startedAt),
      version: shortString(data.version),
    };
  } catch {
    return null;
  }
}

/** Removes the files {@linkcode writeDescriptor} wrote. */
export async function removeDescriptor(
  paths: WorkspacePaths,
  config: Config,
): Promise<void> {
  await removeIfPresent(paths.supervisorPidFile);
  await removeIfPresent(paths.supervisorJson);
  if (config.daemon.pidFile !== null) {
    await removeIfPresent(config.daemon.pidFile).catch(() => {});
  }
}

function shortString(value: unknown): string | null {
  return typeof value === "string" && value.length <= 64 ? value : null;
}
