import { backupPath } from "./rotate_log.ts";
import { openOrNull, sameBytes } from "./_read.ts";
import { readAt } from "../_read_at.ts";
import { ANCHOR_BYTES, type FollowPosition } from "./follower.ts";

/** Bytes read per step backwards. */
const CHUNK_BYTES = 64 * 1024;
/** Most bytes read for a backlog, whatever `lines` asks. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
/** Attempts when a rotation happens while reading. */
const ATTEMPTS = 3;
const NEWLINE = 0x0a;

/** The end of a log, and where following it continues. */
export interface Backlog {
  /** The last complete lines, oldest first (at most the number asked). */
  lines: string[];
  /** A last line whose newline is not written yet ("" when none). */
  partial: string;
  /** Where a follower continues, right after what was read. */
  position: FollowPosition;
}

/**
 * The last `lines` complete lines of a log file; when the file holds fewer,
 * the tail of `file.1` comes first, as one stream (a line that a rotation
 * cut in two is whole again). A missing file reads as empty. At most 16 MiB
 * are read. Retries when a rotation happens while reading.
 *
 * Requires read permission on the file and `file.1`.
 *
 * @example
 * ```ts
 * const { lines } = await readBacklog("/srv/app/.tend/log/web.log", {
 *   lines: 50,
 * });
 * ```
 */
export async function readBacklog(
  file: string,
  options: { lines: number },
): Promise<Backlog> {
  for (let attempt = 1;; attempt++) {
    const backlog = await readOnce(file, {
      wanted: options.lines,
      verify: attempt < ATTEMPTS,
    });
    if (backlog !== null) return backlog;
  }
}

/**
 * One reading; `null` when `verify` is set and the file was rotated while
 * it was read (its last bytes changed).
 */
async function readOnce(
  file: string,
  options: { wanted: number; verify: boolean },
): Promise<Backlog | null> {
  using current = await openOrNull(file);
  const info = current === null ? null : await current.stat();
  const size = info?.size ?? 0;
  const anchorAt = Math.max(0, size - ANCHOR_BYTES);
  const anchor = current === null
    ? new Uint8Array()
    : await readAt(current, anchorAt, size - anchorAt);
  const tail = new TailCollector(options.wanted);
  if (current !== null) await tail.collect(current, size);
  if (!tail.full) {
    using older = await openOrNull(backupPath(file, 1));
    if (older !== null) await tail.collect(older, (await older.stat()).size);
  }
  if (current !== null && options.verify) {
    const again = await readAt(current, anchorAt, size - anchorAt);
    if (!sameBytes(again, anchor)) return null;
  }
  const { lines, partial } = tail.result();
  return {
    lines,
    partial: new TextDecoder().decode(partial),
    position: {
      ino: info?.ino ?? null,
      offset: size,
      anchor,
      pending: partial,
    },
  };
}

/**
 * Gathers bytes backwards, newest file first, until they hold `wanted`
 * complete lines (and the unfinished one after them).
 */
class TailCollector {
  #wanted: number;
  #chunks: Uint8Array[] = [];
  #newlines = 0;
  #bytes = 0;
  #cut = false;

  constructor(wanted: number) {
    this.#wanted = wanted;
  }

  /** Whether enough has been read. */
  get full(): boolean {
    return this.#newlines > this.#wanted || this.#cut;
  }

  /** Reads `file` backwards from `end` until full or at its start. */
  async collect(file: Deno.FsFile, end: number): Promise<void> {
    let position = end;
    while (position > 0 && !this.full) {
      const start = Math.max(0, position - CHUNK_BYTES);
      const chunk = await readAt(file, start, position - start);
      this.#chunks.push(chunk);
      this.#bytes += chunk.length;
      for (const byte of chunk) if (byte === NEWLINE) this.#newlines++;
      position = start;
      if (this.#bytes >= MAX_BACKLOG_BYTES) this.#cut = true;
    }
  }

  /** The last `wanted` complete lines and the bytes after them. */
  result(): { lines: string[]; partial: Uint8Array } {
    let data = new Uint8Array(this.#bytes);
    let at = this.#bytes;
    for (const chunk of this.#chunks) {
      at -= chunk.length;
      data.set(chunk, at);
    }
    if (this.full) data = data.subarray(data.indexOf(NEWLINE) + 1);
    const end = data.lastIndexOf(NEWLINE) + 1;
    const partial = data.slice(end);
    if (this.#wanted === 0 || end === 0) return { lines: [], partial };
    const lines = new TextDecoder().decode(data.subarray(0, end - 1)).split(
      "\n",
    );
    return { lines: lines.slice(-this.#wanted), partial };
  }
}
