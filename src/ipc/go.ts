/**
 * The line a launching CLI writes to the standby supervisor it spawned
 * (src/client/standby.ts) once the config is checked: `go`, and with it the
 * start the CLI is about to ask for. The supervisor begins that start as
 * soon as it serves, instead of after the CLI has read its handshake,
 * connected and sent the request; the CLI's request, which carries the same
 * id in its `x-tend-launch` header, is answered with it.
 */
import { type JsonSchema, quickParse } from "./quick_check.ts";
import { WIRE_ENDPOINTS } from "./wire_requests.ts";

/** A start sent with the go: the request's body, and its id. */
export interface LaunchStart {
  /** A random UUID, sent again in the request's `x-tend-launch` header. */
  readonly id: string;
  readonly names: readonly string[];
  readonly wait: boolean;
}

/** What a go line says: go, with the start to begin, if any. */
export interface Go {
  readonly start: LaunchStart | null;
}

/** Longest go line read (a start of many names fits). */
export const MAX_GO_BYTES = 64 * 1024;

const WORD = "go";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The line that tells a standby to go (and to begin `start`). */
export function goLine(start?: LaunchStart): string {
  if (start === undefined) return `${WORD}\n`;
  const { id, names, wait } = start;
  return `${WORD} ${JSON.stringify({ id, names, wait })}\n`;
}

/**
 * What `line` (without its newline) says; `null` when it is no go. A start
 * that is not plainly a well-formed one (a bad id, a body the start
 * request's schema does not accept as it is) is dropped: the CLI's own
 * request then starts as any other, and gets any error.
 */
export function readGoLine(line: string): Go | null {
  if (line === WORD) return { start: null };
  if (!line.startsWith(`${WORD} `)) return null;
  let data: unknown;
  try {
    data = JSON.parse(line.slice(WORD.length + 1));
  } catch {
    return null;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return null;
  }
  const { id, ...body } = data as Record<string, unknown>;
  if (typeof id !== "string" || !UUID.test(id)) return { start: null };
  const request = quickParse(
    WIRE_ENDPOINTS.start.request as JsonSchema,
    body,
  ) as { names: string[]; wait: boolean } | undefined;
  if (request === undefined) return { start: null };
  return { start: { id, names: request.names, wait: request.wait } };
}
