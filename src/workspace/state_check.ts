/**
 * state.json checked without zod: a supervisor reads it at every start in
 * a workspace that ran before, and zod's loading was 30 to 40 ms of that
 * start (lite mode, measured) and part of its memory. This check settles
 * only what it is sure of: a file whose every field is plainly what
 * state_schema.ts accepts gets the value zod would give (unknown keys
 * dropped); anything else is left to zod, which decides and names what is
 * wrong. tests/workspace/state_check_test.ts holds it to zod on many files.
 */
import { isInstantText, MAX_INSTANT_CHARS } from "../ipc/named_checks.ts";
import { type Identity, isValidIdentity } from "../proc/identity.ts";
import type { ServiceRecord, StateFile } from "./state_schema.ts";
import { SAFE_NAME, STATE_VERSION } from "./state_version.ts";

const HIGHEST_PORT = 65_535;

/**
 * The state in `data` (parsed JSON) as state_schema.ts's `StateFile` would
 * give it; `undefined` when zod must decide.
 */
export function quickState(data: unknown): StateFile | undefined {
  if (!isRecord(data) || data.version !== STATE_VERSION) return undefined;
  const { services } = data;
  if (!isRecord(services)) return undefined;
  const out: Record<string, ServiceRecord> = {};
  for (const name of Object.keys(services)) {
    if (!SAFE_NAME.test(name)) return undefined;
    const record = quickRecord(services[name]);
    if (record === undefined) return undefined;
    out[name] = record;
  }
  return { version: STATE_VERSION, services: out };
}

function quickRecord(value: unknown): ServiceRecord | undefined {
  if (!isRecord(value)) return undefined;
  const { desired, identity, port, startedAt, restarts, lastExit } = value;
  const { fingerprint } = value;
  const lastExitOut = lastExit === null ? null : quickLastExit(lastExit);
  const fits = (desired === "running" || desired === "stopped") &&
    (identity === null || isValidIdentity(identity)) &&
    (port === null || isIntegerIn(port, 1, HIGHEST_PORT)) &&
    (startedAt === null || isInstant(startedAt)) &&
    isIntegerIn(restarts, 0, Number.MAX_SAFE_INTEGER) &&
    lastExitOut !== undefined &&
    (fingerprint === null || typeof fingerprint === "string");
  if (!fits) return undefined;
  return {
    desired,
    identity: identity as Identity | null,
    port: port as number | null,
    startedAt: startedAt as string | null,
    restarts: restarts as number,
    lastExit: lastExitOut,
    fingerprint: fingerprint as string | null,
  };
}

function quickLastExit(
  value: unknown,
): ServiceRecord["lastExit"] | undefined {
  if (!isRecord(value)) return undefined;
  const { code, signal, at } = value;
  const fits = (code === null || isIntegerIn(code, -Infinity, Infinity)) &&
    (signal === null || typeof signal === "string") && isInstant(at);
  return fits
    ? { code: code as number | null, signal: signal as string | null, at }
    : undefined;
}

/** A plain object with no `__proto__` key of its own (zod drops one). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null &&
    !Array.isArray(value) && !Object.hasOwn(value, "__proto__");
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= min &&
    (value as number) <= max;
}

function isInstant(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_INSTANT_CHARS &&
    isInstantText(value);
}
