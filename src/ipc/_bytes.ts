/**
 * Byte helpers of the control socket's HTTP client (`_http.ts`) and server
 * (`unix_server.ts`), chunked bodies included.
 */

/** `parts` joined into one array. */
export function join(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The index of `needle` in `data` from `from`, or -1. */
export function indexOf(
  data: Uint8Array,
  needle: Uint8Array,
  from = 0,
): number {
  outer: for (let i = from; i + needle.length <= data.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (data[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** Writes all of `bytes` to `conn`. */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await conn.write(bytes.subarray(written));
  }
}

/**
 * The bytes of a chunked body, once all of it is in `data`; `null` while
 * it is incomplete. Chunk extensions and trailer fields are ignored.
 */
export function dechunkBody(data: Uint8Array): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (true) {
    const lineEnd = indexOf(data, CRLF, at);
    if (lineEnd === -1) return null;
    const sizeText = new TextDecoder().decode(data.subarray(at, lineEnd))
      .split(";")[0]!.trim();
    if (!/^[0-9A-Fa-f]{1,8}$/.test(sizeText)) {
      throw new TypeError(`Malformed chunk size ${sizeText}`);
    }
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // The trailer section, if any, ends with an empty line.
      return indexOf(data, BLANK_LINE, lineEnd) === -1 ? null : join(parts);
    }
    const end = lineEnd + 2 + size;
    if (end + 2 > data.length) return null;
    parts.push(data.subarray(lineEnd + 2, end));
    at = end + 2;
  }
}

const CRLF = new Uint8Array([13, 10]);
/** CR LF CR LF: the end of an HTTP head, and of a chunked body's trailers. */
export const BLANK_LINE = new Uint8Array([13, 10, 13, 10]);
