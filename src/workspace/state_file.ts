import * as z from "npm:zod@4.6.7/mini";
import { TendError } from "../errors.ts";
import { readOwnFile, writeAtomic } from "../fence/safe_file.ts";
import { Instant, LastExit } from "../ipc/protocol.ts";
import { type Identity, isValidIdentity } from "../proc/identity.ts";

/** state.json can never legitimately be this large. */
const STATE_FILE_MAX_BYTES = 16 * 1024 * 1024;
const STATE_VERSION = 1;
const HIGHEST_PORT = 65_535;

/** A process identity read from the file, checked by {@linkcode isValidIdentity}. */
const StoredIdentity = z.custom<Identity>(isValidIdentity, {
  error: "expected a process identity",
});

/** `schema` with its description (zod/mini: no `.describe()` method). */
function described<T extends z.ZodMiniType>(schema: T, text: string): T {
  return schema.check(z.describe(text)) as T;
}

/**
 * What the supervisor remembers of one service across its own restarts.
 * zod/mini: the supervisor reads this file and loads no classic zod.
 */
export const ServiceRecord = z.object({
  desired: described(
    z.enum(["running", "stopped"]),
    "Whether the user wants it running",
  ),
  identity: described(
    z.nullable(StoredIdentity),
    "Identity of the running process (its PID is also its process group)",
  ),
  port: z.nullable(
    z.number().check(z.int(), z.minimum(1), z.maximum(HIGHEST_PORT)),
  ),
  startedAt: z.nullable(Instant),
  restarts: z.number().check(z.int(), z.minimum(0)),
  lastExit: z.nullable(LastExit),
  fingerprint: described(
    z.nullable(z.string()),
    "The config fingerprint it was started with",
  ),
});
/** What the supervisor remembers of one service across its own restarts. */
export type ServiceRecord = z.infer<typeof ServiceRecord>;

/** A service name that is safe as a file name. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,70}$/;

/**
 * The services map, every key checked on the raw object: zod's record drops
 * a `__proto__` key silently, and a file carrying one is not ours.
 */
const Services = z.pipe(
  z.custom<object>(
    (value) =>
      typeof value === "object" && value !== null &&
      Object.keys(value).every((name) => SAFE_NAME.test(name)),
    { error: "expected a map of safe service names" },
  ),
  z.record(z.string().check(z.regex(SAFE_NAME)), ServiceRecord),
);

/** The content of state.json. */
export const StateFile = z.object({
  version: z.literal(STATE_VERSION),
  services: Services,
});
/** The content of state.json. */
export type StateFile = z.infer<typeof StateFile>;

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
  return StateFile.safeParse(data).data ?? null;
}
