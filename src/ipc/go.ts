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

/**
 * Longest go line read, in UTF-8 bytes with its newline (a start of many
 * names fits; a start too long for it is not sent with the go).
 */
export const MAX_GO_BYTES = 64 * 1024;

const WORD = "go";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The line that tells a standby to go (and to begin `start`). A start whose
 * line would be longer than {@linkcode MAX_GO_BYTES} is left out: the
 * standby would refuse the whole line, and the CLI's request then runs it.
 */
export function goLine(start?: LaunchStart): string {
  const plain = `${WORD}\n`;
  if (start === undefined) return plain;
  const { id, names, wait } = start;
  const line = `${WORD} ${JSON.stringify({ id, names, wait })}\n`;
  return byteLength(line) > MAX_GO_BYTES ? plain : line;
}

/**
 * What `line` (without its newline) says; `null` when it is no go: neither
 * `go` nor `go`, a space and a JSON object, or longer than
 * {@linkcode MAX_GO_BYTES}. A start that is not plainly a well-formed one (a
 * missing or bad id, a body the start request's schema does not accept as it
 * is, an unknown key included) is dropped: the CLI's own request then starts
 * as any other, and gets any error.
 */
export function readGoLine(line: string): Go | null {
  if (line === WORD) return { start: null };
  if (byteLength(line) + 1 > MAX_GO_BYTES) return null;
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

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
