import { backupPath } from "./rotate_log.ts";
import { openOrNull, sameBytes } from "./_read.ts";
import { readAt } from "../_read_at.ts";
import { concat, LineSplitter } from "./line_splitter.ts";

/** Bytes remembered before the read position, to recognise the file later. */
export const ANCHOR_BYTES = 64;
/** Bytes read per call while following. */
const CHUNK_BYTES = 1024 * 1024;
/** Rotated files searched for the bytes a follower had not read yet. */
const MAX_BACKUPS_SEARCHED = 9;

/** Where a {@linkcode LogFollower} starts reading. */
export interface FollowPosition {
  /** Inode of the file at `offset`, or `null` when it did not exist. */
  ino: number | null;
  /** The next byte to read. */
  offset: number;
  /** Up to {@linkcode ANCHOR_BYTES} bytes just before `offset`. */
  anchor: Uint8Array;
  /** The start of a line whose end is not written yet. */
  pending: Uint8Array;
}

/** The position at the start of a file that does not exist yet. */
export function startOfFile(): FollowPosition {
  return {
    ino: null,
    offset: 0,
    anchor: new Uint8Array(),
    pending: new Uint8Array(),
  };
}

/**
 * Follows a log file across rotations, one {@linkcode LogFollower.poll} at
 * a time (the caller decides how often).
 *
 * Rotation is recognised three ways: the file is shorter than the read
 * position (copy and truncate), its inode changed or it vanished (rename and
 * reopen), or the bytes just before the read position are no longer the ones
 * read there (truncated and grown again between two polls). The bytes not
 * read yet are then taken from the rotated file that continues where the
 * follower stopped: `file.1` (or `file.2` … after several rotations between
 * polls) with the same inode, or holding the same bytes before the read
 * position. Then the new file is read from its start. Nothing is skipped or
 * repeated unless more rotations happened between two polls than there are
 * rotated files.
 *
 * Requires read permission on the log and its rotated files.
 *
 * @example
 * ```ts
 * const follower = new LogFollower("/srv/app/.tend/log/web.log");
 * const lines = await follower.poll(); // every line so far
 * ```
 */
export class LogFollower {
  readonly file: string;
  #ino: number | null;
  #offset: number;
  #anchor: Uint8Array;
  #splitter: LineSplitter;

  constructor(file: string, start: FollowPosition = startOfFile()) {
    this.file = file;
    this.#ino = start.ino;
    this.#offset = start.offset;
    this.#anchor = start.anchor;
    this.#splitter = new LineSplitter(start.pending);
  }

  /** The complete lines written since the previous poll. */
  async poll(): Promise<string[]> {
    const lines: string[] = [];
    const emit = (bytes: Uint8Array) => {
      for (const line of this.#splitter.push(bytes)) lines.push(line);
    };
    using current = await openOrNull(this.file);
    if (current === null) {
      if (this.#ino !== null) {
        await this.#drainRotated(emit);
        this.#restart(null);
      }
      return lines;
    }
    const info = await current.stat();
    if (this.#ino === null) {
      this.#restart(info.ino);
    } else if (info.ino !== this.#ino || info.size < this.#offset) {
      await this.#drainRotated(emit);
      this.#restart(info.ino);
    }
    if (info.size > this.#offset) {
      if (!await this.#readOn(current, info.size, emit)) {
        await this.#drainRotated(emit);
        this.#restart(info.ino);
        await this.#readOn(current, info.size, emit);
      }
    }
    return lines;
  }

  /**
   * Reads `file` from the position up to `end`, after checking that the
   * bytes before the position are still the anchor; false when they differ.
   */
  async #readOn(
    file: Deno.FsFile,
    end: number,
    emit: (bytes: Uint8Array) => void,
  ): Promise<boolean> {
    const anchor = this.#anchor;
    const first = await readAt(
      file,
      this.#offset - anchor.length,
      anchor.length + Math.min(CHUNK_BYTES, end - this.#offset),
    );
    if (first.length < anchor.length) return true;
    if (!sameBytes(first.subarray(0, anchor.length), anchor)) return false;
    this.#consume(first.subarray(anchor.length), emit);
    while (this.#offset < end) {
      const chunk = await readAt(
        file,
        this.#offset,
        Math.min(CHUNK_BYTES, end - this.#offset),
      );
      if (chunk.length === 0) break;
      this.#consume(chunk, emit);
    }
    return true;
  }

  /**
   * Emits what the rotated files hold beyond the position: from the one that
   * continues where this follower stopped, then every newer one whole.
   */
  async #drainRotated(emit: (bytes: Uint8Array) => void): Promise<void> {
    for (let n = 1; n <= MAX_BACKUPS_SEARCHED; n++) {
      using rotated = await openOrNull(backupPath(this.file, n));
      if (rotated === null) break;
      if (!await this.#continues(rotated)) continue;
      await readToEnd(rotated, this.#offset, emit);
      for (let newer = n - 1; newer >= 1; newer--) {
        using file = await openOrNull(backupPath(this.file, newer));
        if (file !== null) await readToEnd(file, 0, emit);
      }
      return;
    }
    // The rest is gone: end the unfinished line rather than glue it to
    // unrelated bytes.
    if (this.#splitter.pending.length > 0) emit(new Uint8Array([0x0a]));
  }

  /** Whether `rotated` is the file this follower was reading. */
  async #continues(rotated: Deno.FsFile): Promise<boolean> {
    const info = await rotated.stat();
    if (info.ino === this.#ino) return true;
    if (info.size < this.#offset) return false;
    const anchor = this.#anchor;
    const before = await readAt(
      rotated,
      this.#offset - anchor.length,
      anchor.length,
    );
    return sameBytes(before, anchor);
  }

  #consume(bytes: Uint8Array, emit: (bytes: Uint8Array) => void): void {
    this.#offset += bytes.length;
    const tail = bytes.length >= ANCHOR_BYTES
      ? bytes.subarray(bytes.length - ANCHOR_BYTES)
      : concat(this.#anchor, bytes);
    this.#anchor = tail.slice(Math.max(0, tail.length - ANCHOR_BYTES));
    emit(bytes);
  }

  #restart(ino: number | null): void {
    this.#ino = ino;
    this.#offset = 0;
    this.#anchor = new Uint8Array();
  }
}

async function readToEnd(
  file: Deno.FsFile,
  from: number,
  emit: (bytes: Uint8Array) => void,
): Promise<void> {
  for (let position = from;;) {
    const chunk = await readAt(file, position, CHUNK_BYTES);
    if (chunk.length === 0) return;
    emit(chunk);
    position += chunk.length;
  }
}
