/**
 * A minimal HTTP/1.1 client over a unix socket: one request per connection
 * (`Connection: close`), read to EOF. It keeps `fetch` and its HTTP client
 * setup (about 15 ms) off the start-up path of every CLI command.
 */

import { messageOf } from "../errors.ts";
import { dechunkBody, join, writeAll } from "./_bytes.ts";

/** A parsed response. */
export interface RawResponse {
  status: number;
  body: string;
}

/**
 * The request was sent but no whole response came back: the server may have
 * acted on it.
 */
export class ResponseLostError extends Error {
  override readonly name = "ResponseLostError";

  constructor(cause: unknown) {
    super(messageOf(cause), { cause });
  }
}

/**
 * The header of a start that a launching CLI also sent with its go
 * (src/client/standby.ts): the id of that start, whose answer it asks for.
 */
export const LAUNCH_HEADER = "x-tend-launch";

/** Sends one request and reads the whole response. */
export async function unixRequest(
  socket: string,
  options: {
    method: string;
    path: string;
    body?: string;
    signal?: AbortSignal;
    headers?: Readonly<Record<string, string>>;
  },
): Promise<RawResponse> {
  const conn = await Deno.connect({ transport: "unix", path: socket });
  const onAbort = () => conn.close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const body = new TextEncoder().encode(options.body ?? "");
    const head =
      `${options.method} ${options.path} HTTP/1.1\r\nHost: tend\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\n` +
      Object.entries(options.headers ?? {}).map(([name, value]) =>
        `${name}: ${value}\r\n`
      ).join("") +
      `Content-Length: ${body.length}\r\n\r\n`;
    await writeAll(conn, join([new TextEncoder().encode(head), body]));
    options.signal?.throwIfAborted();
    try {
      const raw = await readAll(conn);
      options.signal?.throwIfAborted();
      return parseResponse(raw);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ResponseLostError(error);
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    try {
      conn.close();
    } catch {
      // Closed by an abort.
    }
  }
}

/** Parses a complete HTTP/1.1 response (Content-Length, chunked, or to EOF). */
export function parseResponse(raw: Uint8Array): RawResponse {
  const text = new TextDecoder().decode(raw);
  const split = text.indexOf("\r\n\r\n");
  if (split === -1) throw new TypeError("Incomplete HTTP response");
  const [statusLine = "", ...headerLines] = text.slice(0, split).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  if (!Number.isInteger(status)) {
    throw new TypeError("Malformed HTTP status line");
  }
  const headers = new Map(headerLines.map((line) => {
    const colon = line.indexOf(":");
    return [
      line.slice(0, colon).trim().toLowerCase(),
      line.slice(colon + 1).trim(),
    ];
  }));
  const rest = raw.subarray(
    new TextEncoder().encode(text.slice(0, split + 4)).length,
  );
  // A peer that dies mid-answer (a SIGKILLed supervisor) leaves a body cut
  // short: that is no answer, not a body to parse.
  const chunked = headers.get("transfer-encoding")?.includes("chunked");
  const length = headers.get("content-length");
  if (!chunked && length !== undefined && rest.length < Number(length)) {
    throw new TypeError("Incomplete HTTP response");
  }
  const bytes = chunked ? dechunk(rest) : rest;
  return { status, body: new TextDecoder().decode(bytes) };
}

/** A chunked body whole; a cut one (no last chunk) is no answer. */
function dechunk(data: Uint8Array): Uint8Array {
  const body = dechunkBody(data);
  if (body === null) throw new TypeError("Incomplete HTTP response");
  return body;
}

async function readAll(conn: Deno.Conn): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  while (true) {
    const n = await conn.read(buffer);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
  }
  return join(chunks);
}
