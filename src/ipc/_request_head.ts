/**
 * The pure half of the control socket's HTTP/1.1 server
 * (`unix_server.ts`): the head of a request, read from bytes, and the bytes
 * of an answer.
 */
import { BLANK_LINE, join } from "./_bytes.ts";

/** The head of a request: its request line and header fields. */
export interface RequestHead {
  readonly method: string;
  /** The path of the target, without query or fragment. */
  readonly path: string;
  /** Header values by lower-case name; a repeated name joins its values with ", ". */
  readonly headers: ReadonlyMap<string, string>;
}

/** A request the server will not take: the status and why, for its answer. */
export interface HeadProblem {
  readonly status: number;
  readonly message: string;
}

/** An answer: a status and a JSON body. */
export interface PlainAnswer {
  readonly status: number;
  readonly body: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VERSION = /^HTTP\/1\.[01]$/;

/** The bytes that end a head: CR LF CR LF. */
export const HEAD_END: Uint8Array = BLANK_LINE;

/**
 * Reads the head of a request (the text before the blank line, without
 * it): a {@linkcode RequestHead}, or the {@linkcode HeadProblem} to answer.
 */
export function parseRequestHead(text: string): RequestHead | HeadProblem {
  const [requestLine = "", ...lines] = text.split("\r\n");
  const parts = requestLine.split(" ");
  const [method = "", target = "", version = ""] = parts;
  if (parts.length !== 3 || !TOKEN.test(method)) {
    return { status: 400, message: "Malformed request line" };
  }
  if (!VERSION.test(version)) {
    return { status: 505, message: `Unsupported protocol version ${version}` };
  }
  const path = targetPath(target);
  if (path === null) {
    return { status: 400, message: `Malformed request target ${target}` };
  }
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    // No space before the colon, no folded lines (RFC 9112 §5).
    if (colon <= 0 || !TOKEN.test(name)) {
      return { status: 400, message: "Malformed header field" };
    }
    const value = line.slice(colon + 1).trim();
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? value : `${seen}, ${value}`);
  }
  return { method, path, headers };
}

/** Whether `value` is a {@linkcode HeadProblem} rather than a head. */
export function isProblem(
  value: RequestHead | HeadProblem,
): value is HeadProblem {
  return "status" in value;
}

/**
 * How the body of a request is framed: its length in bytes, `"chunked"`,
 * or the problem to answer (a length that is not one, another coding).
 */
export function bodyFraming(
  head: RequestHead,
): number | "chunked" | HeadProblem {
  const coding = head.headers.get("transfer-encoding");
  if (coding !== undefined) {
    return coding.toLowerCase() === "chunked" ? "chunked" : {
      status: 501,
      message: `Unsupported transfer coding ${coding}`,
    };
  }
  const length = head.headers.get("content-length");
  if (length === undefined) return 0;
  // Repeated with the same value ("5, 5") is one length (RFC 9110 §8.6).
  const values = new Set(length.split(",").map((v) => v.trim()));
  const [only = ""] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only)) {
    return { status: 400, message: `Malformed Content-Length ${length}` };
  }
  return Number(only);
}

const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

/**
 * The bytes of `answer` on a connection that then closes; `headOnly` (a
 * HEAD request) leaves the body out.
 */
export function encodeAnswer(
  answer: PlainAnswer,
  options: { headOnly?: boolean } = {},
): Uint8Array {
  const body = new TextEncoder().encode(answer.body);
  const head = `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? ""}\r\n` +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\n` +
    `connection: close\r\n\r\n`;
  const headBytes = new TextEncoder().encode(head);
  return options.headOnly === true ? headBytes : join([headBytes, body]);
}

/** The interim answer to `Expect: 100-continue`. */
export const CONTINUE = new TextEncoder().encode(
  "HTTP/1.1 100 Continue\r\n\r\n",
);

/**
 * The path of a request target: origin form (`/v1/ping?x=1`) or absolute
 * form (`http://tend/v1/ping`); `null` for any other.
 */
function targetPath(target: string): string | null {
  let path = target;
  if (!target.startsWith("/")) {
    const match = /^https?:\/\/[^/?#]*(.*)$/i.exec(target);
    if (match === null) return null;
    path = match[1]!.startsWith("/") ? match[1]! : `/${match[1]}`;
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}
