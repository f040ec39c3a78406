/**
 * The zod schema of state.json, apart from state_file.ts so that a
 * supervisor loads zod only when it reads a state.json (see readState).
 */
import * as z from "npm:zod@4.6.7/mini";
import { Instant, LastExit } from "../ipc/protocol.ts";
import { type Identity, isValidIdentity } from "../proc/identity.ts";
import { SAFE_NAME, STATE_VERSION } from "./state_version.ts";

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
