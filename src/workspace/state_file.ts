import { lazyImport } from "../_lazy.ts";
import { TendError } from "../errors.ts";
import { readOwnFile, writeAtomic } from "../fence/safe_file.ts";
import type { ServiceRecord, StateFile } from "./state_schema.ts";
import { STATE_VERSION } from "./state_version.ts";
import { quickState } from "./state_check.ts";

export type { ServiceRecord, StateFile } from "./state_schema.ts";

/** state.json can never legitimately be this large. */
const STATE_FILE_MAX_BYTES = 16 * 1024 * 1024;
export { STATE_VERSION } from "./state_version.ts";

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
  const quick = quickStateText(text);
  if (quick !== undefined) return quick;
  // zod decides what the quick check leaves, and is loaded only then.
  const { parseState } = await lazyImport<typeof import("./state_schema.ts")>(
    new URL("./state_schema.ts", import.meta.url),
  );
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

/** `text` checked by {@linkcode quickState}; `undefined` when not JSON either. */
function quickStateText(text: string): StateFile | undefined {
  try {
    return quickState(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Writes state.json atomically. */
export async function writeState(
  path: string,
  state: StateFile,
): Promise<void> {
  await writeAtomic(path, JSON.stringify(state, null, 2) + "\n");
}
