/** Helpers of the HTTP API tests: a workspace serving HTTP, raw requests. */
import {
  fixtureService,
  freePort,
  makeTempWorkspace,
  supervisorPid,
  type TempWorkspace,
  tend,
} from "../_helpers.ts";
import { fromFileUrl } from "../_path.ts";

const COUNTER = fromFileUrl(
  new URL("../fixtures/counter.ts", import.meta.url),
);

/** A workspace whose supervisor serves HTTP. */
export interface WebWorkspace extends AsyncDisposable {
  ws: TempWorkspace;
  port: number;
  base: string;
  token: string;
  /** The supervisor's PID. */
  pid: number;
}

/** A `[[processes]]` entry that prints a numbered line every `delayMs`. */
export function counterService(name: string, delayMs = 300): string {
  return `[[processes]]
name = ${JSON.stringify(name)}
command = ${JSON.stringify(Deno.execPath())}
args = ${
    JSON.stringify([
      "run",
      "-A",
      COUNTER,
      "--batch",
      "1",
      "--delay",
      String(delayMs),
    ])
  }
`;
}

/** The config of the tests: services "web" and "count", HTTP on `port`. */
export function webConfig(port: number, extra = ""): string {
  return `[daemon]
http = "127.0.0.1:${port}"

${fixtureService("web", ["--say", "\x1b[31mred alert\x1b[0m plain"])}
${counterService("count")}
${extra}`;
}

/** Starts a workspace with {@linkcode webConfig} and reads its token. */
export async function startWebWorkspace(): Promise<WebWorkspace> {
  const port = freePort("127.0.0.1");
  const ws = await makeTempWorkspace(webConfig(port));
  try {
    const started = await tend(ws, ["start"]);
    if (started.code !== 0) {
      throw new Error(`tend start failed: ${JSON.stringify(started)}`);
    }
    const token = (await Deno.readTextFile(
      ws.path(".tend/run/http.token"),
    )).trim();
    const pid = await supervisorPid(ws);
    if (pid === null) throw new Error("no supervisor.pid");
    return {
      ws,
      port,
      base: `http://127.0.0.1:${port}`,
      token,
      pid,
      [Symbol.asyncDispose]: () => ws[Symbol.asyncDispose](),
    };
  } catch (error) {
    await ws[Symbol.asyncDispose]();
    throw error;
  }
}

/** A parsed response of {@linkcode rawRequest}. */
export interface RawReply {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request over a fresh TCP connection, with exactly the
 * headers given (fetch does not let a test set `Host`).
 */
export async function rawRequest(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<RawReply> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const body = new TextEncoder().encode(options.body ?? "");
    const headers = {
      host: `127.0.0.1:${port}`,
      connection: "close",
      "content-length": String(body.length),
      ...options.headers,
    };
    const head = `${options.method ?? "GET"} ${options.path} HTTP/1.1\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
      "\r\n";
    const bytes = new Uint8Array([...new TextEncoder().encode(head), ...body]);
    for (let at = 0; at < bytes.length;) {
      at += await conn.write(bytes.subarray(at));
    }
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(64 * 1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    return parse(new TextDecoder().decode(
      new Uint8Array(chunks.flatMap((c) => [...c])),
    ));
  } finally {
    conn.close();
  }
}

function parse(text: string): RawReply {
  const split = text.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
  const headers = new Map(lines.map((line) => {
    const colon = line.indexOf(":");
    return [
      line.slice(0, colon).trim().toLowerCase(),
      line.slice(colon + 1).trim(),
    ];
  }));
  let body = text.slice(split + 4);
  if (headers.get("transfer-encoding") === "chunked") body = dechunk(body);
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

function dechunk(text: string): string {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf("\r\n", at);
    const size = parseInt(text.slice(at, end), 16);
    if (!(size > 0)) break;
    out += text.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
  return out;
}

/** Resident memory of `pid` in bytes, from /proc. */
export async function rssOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kib * 1024;
}
