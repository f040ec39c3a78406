/**
 * The control socket's HTTP/1.1 server: one request per connection, read
 * whole (bounded), answered with a JSON body and `Connection: close`, as
 * the CLI's client (`_http.ts`) asks. It listens with `Deno.listen`, not
 * `Deno.serve`, whose HTTP stack loads at its first use: 10 to 12 ms of a
 * supervisor's start in lite mode (measured; the RSS is the same).
 * The socket is the owner's only (0600).
 */
import type { ErrorBody } from "./protocol.ts";
import { dechunkBody, indexOf, writeAll } from "./_bytes.ts";
import {
  bodyFraming,
  CONTINUE,
  encodeAnswer,
  HEAD_END,
  type HeadProblem,
  isProblem,
  parseRequestHead,
  type PlainAnswer,
  type RequestHead,
} from "./_request_head.ts";

export type { PlainAnswer } from "./_request_head.ts";

/** A whole request: its head and its body as text. */
export interface PlainRequest extends RequestHead {
  readonly body: string;
}

/** The largest head taken (request line and header fields). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** The largest body taken (a control request is a few hundred bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How long an answer may take to be sent once the server stops: a client
 * that does not read its answer must not hold the supervisor's exit.
 */
export const WRITE_GRACE_MS = 5_000;

/**
 * How long a client has to send its whole request: one that holds its
 * connection without finishing it would hold one of the supervisor's
 * descriptors for good (300 idle connections stayed open, measured). The
 * CLI sends its request at once; an answer may take as long as it takes.
 */
export const READ_TIMEOUT_MS = 30_000;

/** A server listening on a unix socket until its signal aborts. */
export interface UnixServer {
  /**
   * Settles once the server stopped: after the signal, every connection
   * still sending its request closed, and every answer begun was sent (or
   * given up {@linkcode WRITE_GRACE_MS} after the stop, or after it was
   * ready, whichever is later).
   */
  readonly finished: Promise<void>;
}

/**
 * Listens on the unix socket at `path` (mode 0600) and answers each
 * request with `answer` until `signal` aborts. A request that is not
 * HTTP/1.1 as this server takes it gets a 4xx/5xx answer with an error
 * body, and its connection is closed.
 */
export function serveUnix(
  path: string,
  options: {
    signal: AbortSignal;
    answer: (request: PlainRequest) => Promise<PlainAnswer>;
    /** For tests. @default {WRITE_GRACE_MS} */
    writeGraceMs?: number;
    /** For tests. @default {READ_TIMEOUT_MS} */
    readTimeoutMs?: number;
  },
): UnixServer {
  const listener = Deno.listen({ transport: "unix", path });
  try {
    Deno.chmodSync(path, 0o600);
  } catch (error) {
    listener.close();
    throw error;
  }
  const reading = new Set<Deno.Conn>();
  const writing = new Writers(options.writeGraceMs ?? WRITE_GRACE_MS);
  const answering = new Set<Promise<void>>();
  const stop = () => {
    closeQuietly(listener);
    for (const conn of reading) closeQuietly(conn);
    writing.stop();
  };
  options.signal.addEventListener("abort", stop, { once: true });
  if (options.signal.aborted) stop();
  const accepting = (async () => {
    while (!options.signal.aborted) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        // Closed by the stop; or out of descriptors, for a moment.
        if (options.signal.aborted) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const done: Promise<void> = serveConnection(conn, {
        signal: options.signal,
        reading,
        writing,
        answer: options.answer,
        readTimeoutMs: options.readTimeoutMs ?? READ_TIMEOUT_MS,
      }).finally(() => answering.delete(done));
      answering.add(done);
    }
  })();
  return {
    finished: accepting.then(async () => {
      while (answering.size > 0) await Promise.all([...answering]);
    }),
  };
}

async function serveConnection(
  conn: Deno.Conn,
  options: {
    signal: AbortSignal;
    reading: Set<Deno.Conn>;
    writing: Writers;
    answer: (request: PlainRequest) => Promise<PlainAnswer>;
    readTimeoutMs: number;
  },
): Promise<void> {
  try {
    // Accepted as the server stopped: the stop did not see it to close it.
    if (options.signal.aborted) return;
    options.reading.add(conn);
    const late = setTimeout(() => closeQuietly(conn), options.readTimeoutMs);
    let request: PlainRequest | HeadProblem | null;
    try {
      request = await readRequest(conn);
    } finally {
      clearTimeout(late);
      options.reading.delete(conn);
    }
    if (request === null) return; // the client left before its request was whole
    if (isProblem(request)) {
      await options.writing.write(conn, encodeAnswer(problemAnswer(request)));
      if (!options.signal.aborted) await drain(conn, options.reading);
      return;
    }
    const answer = await options.answer(request);
    const headOnly = request.method === "HEAD";
    await options.writing.write(conn, encodeAnswer(answer, { headOnly }));
  } catch {
    // The client left, or the server stops: nobody to answer.
  } finally {
    closeQuietly(conn);
  }
}

/**
 * Reads one request from `conn`: the request, the problem to answer, or
 * `null` when the connection ends first.
 */
async function readRequest(
  conn: Deno.Conn,
): Promise<PlainRequest | HeadProblem | null> {
  const input = new Input(conn);
  let headEnd = -1;
  while ((headEnd = indexOf(input.bytes, HEAD_END, input.searched)) === -1) {
    if (input.length > MAX_HEAD_BYTES) return HEAD_TOO_LARGE;
    if (!await input.more()) return null;
  }
  if (headEnd > MAX_HEAD_BYTES) return HEAD_TOO_LARGE;
  const head = parseRequestHead(
    new TextDecoder().decode(input.bytes.subarray(0, headEnd)),
  );
  if (isProblem(head)) return head;
  const framing = bodyFraming(head);
  if (typeof framing === "object") return framing;
  if (typeof framing === "number" && framing > MAX_BODY_BYTES) {
    return BODY_TOO_LARGE;
  }
  const start = headEnd + HEAD_END.length;
  const wantsContinue =
    head.headers.get("expect")?.toLowerCase() === "100-continue";
  if (
    wantsContinue &&
    (framing === "chunked" || input.length - start < framing)
  ) {
    await writeAll(conn, CONTINUE);
  }
  while (true) {
    const rest = input.bytes.subarray(start);
    let body: Uint8Array | null;
    try {
      body = framing === "chunked"
        ? dechunkBody(rest)
        : rest.length >= framing
        ? rest.subarray(0, framing)
        : null;
    } catch (error) {
      return { status: 400, message: (error as Error).message };
    }
    if (body !== null) return { ...head, body: new TextDecoder().decode(body) };
    if (rest.length > MAX_BODY_BYTES) return BODY_TOO_LARGE;
    if (!await input.more()) return null;
  }
}

const HEAD_TOO_LARGE: HeadProblem = {
  status: 431,
  message: "Request head too large",
};

const BODY_TOO_LARGE: HeadProblem = {
  status: 413,
  message: "Request body too large",
};

/** What a connection sent so far, in one buffer that doubles as it fills. */
class Input {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(16 * 1024);
  #length = 0;
  /** Where a search for the head's end can start again. */
  searched = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  get length(): number {
    return this.#length;
  }

  get bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Reads more; `false` at the end of the connection. */
  async more(): Promise<boolean> {
    this.searched = Math.max(0, this.#length - HEAD_END.length + 1);
    if (this.#length === this.#buffer.length) {
      const grown = new Uint8Array(this.#buffer.length * 2);
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    const n = await this.#conn.read(this.#buffer.subarray(this.#length));
    if (n === null) return false;
    this.#length += n;
    return true;
  }
}

function problemAnswer(problem: HeadProblem): PlainAnswer {
  const body: ErrorBody = {
    error: { code: "USAGE", message: problem.message },
  };
  return { status: problem.status, body: JSON.stringify(body) };
}

/**
 * After an early answer (the client may still be sending): ends our side,
 * then reads what the client still sends, up to a bound, so that closing
 * with unread input does not reset the connection before the client has
 * read the answer.
 */
async function drain(conn: Deno.Conn, reading: Set<Deno.Conn>): Promise<void> {
  conn.closeWrite();
  reading.add(conn);
  try {
    const buffer = new Uint8Array(64 * 1024);
    let left = MAX_DRAIN_BYTES;
    while (left > 0) {
      const n = await conn.read(buffer);
      if (n === null) return;
      left -= n;
    }
  } finally {
    reading.delete(conn);
  }
}

/**
 * The connections whose answer is being sent: once the server stops, each
 * gets {@linkcode WRITE_GRACE_MS} to finish, then is closed.
 */
class Writers {
  #graceMs: number;
  #stopped = false;
  #deadlines = new Map<Deno.Conn, ReturnType<typeof setTimeout> | null>();

  constructor(graceMs: number) {
    this.#graceMs = graceMs;
  }

  /** Sends `bytes` on `conn`, within the grace once the server stopped. */
  async write(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
    this.#deadlines.set(conn, this.#stopped ? this.#deadline(conn) : null);
    try {
      await writeAll(conn, bytes);
    } finally {
      clearTimeout(this.#deadlines.get(conn) ?? undefined);
      this.#deadlines.delete(conn);
    }
  }

  /** The server stops: every answer in progress gets its grace from now. */
  stop(): void {
    this.#stopped = true;
    for (const [conn, timer] of this.#deadlines) {
      if (timer === null) this.#deadlines.set(conn, this.#deadline(conn));
    }
  }

  #deadline(conn: Deno.Conn): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => closeQuietly(conn), this.#graceMs);
    Deno.unrefTimer(timer);
    return timer;
  }
}

/** The most input read and dropped after an early answer. */
const MAX_DRAIN_BYTES = 4 * 1024 * 1024;

function closeQuietly(closer: { close(): void }): void {
  try {
    closer.close();
  } catch {
    // Already closed.
  }
}
