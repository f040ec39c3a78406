import { TendError } from "../errors.ts";
import { readOwnFile, writeAtomic } from "../fence/safe_file.ts";
import type { LastExit } from "../ipc/protocol.ts";
import { type Identity, isValidIdentity } from "../proc/identity.ts";

/** state.json can never legitimately be this large. */
const STATE_FILE_MAX_BYTES = 16 * 1024 * 1024;
const STATE_VERSION = 1;

/** What the supervisor remembers of one service across its own restarts. */
export interface ServiceRecord {
  /** Whether the user wants it running. */
  desired: "running" | "stopped";
  /** Identity of the running process (its PID is also its process group). */
  identity: Identity | null;
  port: number | null;
  startedAt: string | null;
  restarts: number;
  lastExit: LastExit | null;
  /** The config fingerprint it was started with. */
  fingerprint: string | null;
}

/** The content of state.json. */
export interface StateFile {
  version: number;
  services: Record<string, ServiceRecord>;
}

/** The record of a service that has never run. */
export function emptyRecord(): ServiceRecord {
  return {
    desired: "running",
    identity: null,
    port: null,
    startedAt: null,
    restarts: 0,
    lastExit: null,
    fingerprint: null,
  };
}

/** An empty state. */
export function emptyState(): StateFile {
  return { version: STATE_VERSION, services: {} };
}

/**
 * Reads state.json; an absent file is an empty state, a damaged one is a
 * `PID_FILE_CORRUPTED` error.
 */
export async function readState(path: string): Promise<StateFile> {
  const text = await readOwnFile(path, { maxBytes: STATE_FILE_MAX_BYTES });
  if (text === null) return emptyState();
  const state = parseState(text);
  if (state === null) {
    throw new TendError(
      "PID_FILE_CORRUPTED",
      `Cannot read state file "${path}": it is not valid tend state`,
      { hint: `Run "tend start" (it recovers) or remove "${path}"` },
    );
  }
  return state;
}

/** Writes state.json atomically. */
export async function writeState(
  path: string,
  state: StateFile,
): Promise<void> {
  await writeAtomic(path, JSON.stringify(state, null, 2) + "\n");
}

/** Parses state.json text, checking every field; `null` when damaged. */
export function parseState(text: string): StateFile | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(data) || data.version !== STATE_VERSION) return null;
  if (!isObject(data.services)) return null;
  const services: Record<string, ServiceRecord> = {};
  for (const [name, value] of Object.entries(data.services)) {
    const record = parseRecord(value);
    if (record === null || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,70}$/.test(name)) {
      return null;
    }
    services[name] = record;
  }
  return { version: STATE_VERSION, services };
}

function parseRecord(value: unknown): ServiceRecord | null {
  if (!isObject(value)) return null;
  const {
    desired,
    identity,
    port,
    startedAt,
    restarts,
    lastExit,
    fingerprint,
  } = value;
  if (desired !== "running" && desired !== "stopped") return null;
  if (identity !== null && !isValidIdentity(identity)) return null;
  if (port !== null && !isPort(port)) return null;
  if (startedAt !== null && !isDate(startedAt)) return null;
  if (!Number.isSafeInteger(restarts) || (restarts as number) < 0) return null;
  if (lastExit !== null && !isLastExit(lastExit)) return null;
  if (fingerprint !== null && typeof fingerprint !== "string") return null;
  return {
    desired,
    identity: identity as Identity | null,
    port: port as number | null,
    startedAt: startedAt as string | null,
    restarts: restarts as number,
    lastExit: lastExit as LastExit | null,
    fingerprint: fingerprint as string | null,
  };
}

function isLastExit(value: unknown): value is LastExit {
  return isObject(value) &&
    (value.code === null || Number.isSafeInteger(value.code)) &&
    (value.signal === null || typeof value.signal === "string") &&
    isDate(value.at);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0 &&
    (value as number) < 65536;
}

function isDate(value: unknown): value is string {
  return typeof value === "string" && value.length < 40 &&
    !Number.isNaN(Date.parse(value));
}
