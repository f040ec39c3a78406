/** The longest line kept whole; a longer run without a newline is cut. */
const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Cuts a byte stream into lines: bytes go in as they are read (chunks may
 * end anywhere, even inside a UTF-8 character), complete lines come out
 * decoded and without their `\n`. The bytes after the last newline wait for
 * the next chunk.
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter();
 * splitter.push(new TextEncoder().encode("one\ntw")); // ["one"]
 * splitter.push(new TextEncoder().encode("o\n")); // ["two"]
 * ```
 */
export class LineSplitter {
  #pending: Uint8Array;
  #decoder = new TextDecoder();

  /** Starts with `pending`, the beginning of a line not yet ended. */
  constructor(pending: Uint8Array = new Uint8Array()) {
    this.#pending = pending;
  }

  /** The bytes after the last newline seen. */
  get pending(): Uint8Array {
    return this.#pending;
  }

  /** Adds `bytes` and returns the lines they complete. */
  push(bytes: Uint8Array): string[] {
    const lines: string[] = [];
    let data = concat(this.#pending, bytes);
    let start = 0;
    for (
      let i = data.indexOf(NEWLINE);
      i !== -1;
      i = data.indexOf(NEWLINE, start)
    ) {
      lines.push(this.#decoder.decode(data.subarray(start, i)));
      start = i + 1;
    }
    data = data.subarray(start);
    while (data.length > MAX_LINE_BYTES) {
      lines.push(this.#decoder.decode(data.subarray(0, MAX_LINE_BYTES)));
      data = data.subarray(MAX_LINE_BYTES);
    }
    this.#pending = data.slice();
    return lines;
  }
}

/** `a` followed by `b`, copying only when both have bytes. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The longest line {@linkcode TextLineStream} keeps whole, in characters. */
const MAX_LINE_CHARS = MAX_LINE_BYTES;

/**
 * Cuts decoded text into lines, for `pipeThrough` after a
 * `TextDecoderStream`: chunks may end anywhere, complete lines come out
 * without their `\n`. Text after the last newline is dropped at the end, as
 * an unfinished line; a longer run than 1 Mi characters without a newline
 * is cut.
 *
 * @example
 * ```ts ignore
 * const lines = child.stdout
 *   .pipeThrough(new TextDecoderStream())
 *   .pipeThrough(new TextLineStream());
 * ```
 */
export class TextLineStream extends TransformStream<string, string> {
  constructor() {
    let pending = "";
    super({
      transform(chunk, controller) {
        const parts = (pending + chunk).split("\n");
        pending = parts.pop() ?? "";
        for (const line of parts) controller.enqueue(line);
        while (pending.length > MAX_LINE_CHARS) {
          controller.enqueue(pending.slice(0, MAX_LINE_CHARS));
          pending = pending.slice(MAX_LINE_CHARS);
        }
      },
    });
  }
}
