import assert from "node:assert/strict";
import {
  MAX_HEAD_BYTES,
  type PlainAnswer,
  type PlainRequest,
  serveUnix,
} from "../../src/ipc/unix_server.ts";
import { join } from "../../src/ipc/_bytes.ts";
import { makeTempDir } from "../fence/_helpers.ts";
import { waitFor } from "../_helpers.ts";

/** A server that echoes each request as JSON, held open by `gate` if given. */
async function withServer(
  body: (
    socket: string,
    seen: PlainRequest[],
    server: { stop(): Promise<void> },
  ) => Promise<void>,
  options: { gate?: Promise<void>; readTimeoutMs?: number } = {},
): Promise<void> {
  await using dir = await makeTempDir();
  const socket = dir.join("s.sock");
  const controller = new AbortController();
  const seen: PlainRequest[] = [];
  const server = serveUnix(socket, {
    signal: controller.signal,
    ...options.readTimeoutMs === undefined
      ? {}
      : { readTimeoutMs: options.readTimeoutMs },
    answer: async (request): Promise<PlainAnswer> => {
      seen.push(request);
      await options.gate;
      return {
        status: 200,
        body: JSON.stringify({
          method: request.method,
          path: request.path,
          body: request.body,
        }),
      };
    },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    controller.abort();
    await deadline(server.finished, "the server to finish");
  };
  try {
    await body(socket, seen, { stop });
  } finally {
    await stop();
  }
}

async function deadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`waited 5 s for ${what}`)),
          5_000,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `parts` one write each and reads the connection to its end. */
async function exchange(
  socket: string,
  parts: readonly (string | Uint8Array)[],
): Promise<string> {
  using conn = await Deno.connect({ transport: "unix", path: socket });
  for (const part of parts) {
    const data = typeof part === "string"
      ? new TextEncoder().encode(part)
      : part;
    let written = 0;
    while (written < data.length) {
      written += await conn.write(data.subarray(written));
    }
  }
  return await readToEnd(conn);
}

async function readToEnd(conn: Deno.Conn): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  while (true) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
  }
  return new TextDecoder().decode(join(chunks));
}

function statusOf(raw: string): number {
  return Number(raw.split(" ")[1]);
}

function bodyOf(raw: string): unknown {
  return JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));
}

Deno.test("serveUnix() answers one request per connection, framed and closed", async () => {
  await withServer(async (socket, seen) => {
    const raw = await exchange(socket, [
      "POST /v1/start?x=1 HTTP/1.1\r\nHost: tend\r\nContent-Length: 4\r\n" +
      "X-Tend-Launch: abc\r\n\r\n{}\r\n",
    ]);
    assert.match(raw, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(raw, /\r\nconnection: close\r\n/);
    const body = '{"method":"POST","path":"/v1/start","body":"{}\\r\\n"}';
    assert.match(raw, new RegExp(`\\r\\ncontent-length: ${body.length}\\r\\n`));
    assert.equal(raw.slice(raw.indexOf("\r\n\r\n") + 4), body);
    assert.equal(seen[0]?.headers.get("x-tend-launch"), "abc");
    assert.equal((await Deno.lstat(socket)).mode! & 0o777, 0o600);
  });
});

Deno.test("serveUnix() reads a request sent one byte at a time", async () => {
  await withServer(async (socket) => {
    const request = "POST /v1/stop HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}";
    const raw = await exchange(socket, [...request]);
    assert.deepEqual(bodyOf(raw), {
      method: "POST",
      path: "/v1/stop",
      body: "{}",
    });
  });
});

Deno.test("serveUnix() takes a chunked body and answers Expect: 100-continue", async (t) => {
  await t.step("chunked", async () => {
    await withServer(async (socket) => {
      const raw = await exchange(socket, [
        "POST /v1/start HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        '2\r\n{"\r\n',
        '5\r\na":1}\r\n0\r\n\r\n',
      ]);
      assert.equal((bodyOf(raw) as { body: string }).body, '{"a":1}');
    });
  });
  await t.step("100-continue", async () => {
    await withServer(async (socket) => {
      using conn = await Deno.connect({ transport: "unix", path: socket });
      await conn.write(new TextEncoder().encode(
        "POST /v1/start HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
      ));
      const buffer = new Uint8Array(256);
      const n = await conn.read(buffer);
      assert.equal(
        new TextDecoder().decode(buffer.subarray(0, n ?? 0)),
        "HTTP/1.1 100 Continue\r\n\r\n",
      );
      await conn.write(new TextEncoder().encode("{}"));
      const raw = await readToEnd(conn);
      assert.equal(statusOf(raw), 200);
      assert.equal((bodyOf(raw) as { body: string }).body, "{}");
    });
  });
});

Deno.test("serveUnix() answers HEAD without a body", async () => {
  await withServer(async (socket) => {
    const raw = await exchange(socket, ["HEAD /v1/ping HTTP/1.1\r\n\r\n"]);
    assert.equal(statusOf(raw), 200);
    assert.ok(raw.endsWith("\r\n\r\n"), raw);
    assert.match(raw, /\r\ncontent-length: [1-9]\d*\r\n/);
  });
});

Deno.test("serveUnix() refuses what it does not take, with an error body, and serves on", async (t) => {
  const cases: [string, (string | Uint8Array)[], number][] = [
    ["a malformed request line", ["GARBAGE\r\n\r\n"], 400],
    ["HTTP/2.0", ["GET / HTTP/2.0\r\n\r\n"], 505],
    [
      "a head over 64 KiB",
      [`GET / HTTP/1.1\r\nX: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`],
      431,
    ],
    [
      "a head over 64 KiB without its end",
      [`GET / HTTP/1.1\r\nX: ${"a".repeat(MAX_HEAD_BYTES + 10)}`],
      431,
    ],
    [
      "a body over 1 MiB, before it is sent",
      ["POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n"],
      413,
    ],
    [
      "a chunked body over 1 MiB",
      [
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        `200000\r\n${"a".repeat(0x200000)}\r\n`,
      ],
      413,
    ],
    [
      "a malformed chunk",
      ["POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
      400,
    ],
    [
      "another transfer coding",
      ["POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"],
      501,
    ],
    [
      "two lengths",
      ["POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"],
      400,
    ],
  ];
  await withServer(async (socket, seen) => {
    for (const [label, parts, status] of cases) {
      await t.step(label, async () => {
        const raw = await exchange(socket, parts);
        assert.equal(statusOf(raw), status, raw.slice(0, 200));
        const error = (bodyOf(raw) as { error: { code: string } }).error;
        assert.equal(error.code, "USAGE");
      });
    }
    assert.deepEqual(seen, []);
    const raw = await exchange(socket, ["GET /v1/ping HTTP/1.1\r\n\r\n"]);
    assert.equal(statusOf(raw), 200);
  });
});

Deno.test("serveUnix() forgets a client that leaves mid-request", async () => {
  await withServer(async (socket, seen) => {
    const conn = await Deno.connect({ transport: "unix", path: socket });
    await conn.write(new TextEncoder().encode(
      "POST /v1/start HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}",
    ));
    conn.close();
    const raw = await exchange(socket, ["GET /v1/ping HTTP/1.1\r\n\r\n"]);
    assert.equal(statusOf(raw), 200);
    assert.deepEqual(seen.map((request) => request.path), ["/v1/ping"]);
  });
});

Deno.test("serveUnix() finishes past a client that never sends its request", async () => {
  await withServer(async (socket, _seen, server) => {
    using conn = await Deno.connect({ transport: "unix", path: socket });
    await conn.write(new TextEncoder().encode("GET /v1/ping HTTP/1.1\r\n"));
    // Answered once the server read it: the silent client is being read.
    const raw = await exchange(socket, ["GET /v1/status HTTP/1.1\r\n\r\n"]);
    assert.equal(statusOf(raw), 200);
    await server.stop();
    assert.equal(await readToEnd(conn), "");
  });
});

Deno.test("serveUnix() closes a connection whose request does not come whole in time, and serves on", async () => {
  await withServer(async (socket, seen) => {
    using idle = await Deno.connect({ transport: "unix", path: socket });
    using partial = await Deno.connect({ transport: "unix", path: socket });
    await partial.write(new TextEncoder().encode("GET /v1/ping HTTP/1.1\r\n"));
    // Closed by the server: both reads end, with nothing answered.
    assert.equal(await deadline(readToEnd(idle), "the idle close"), "");
    assert.equal(await deadline(readToEnd(partial), "the partial close"), "");
    assert.deepEqual(seen, []);
    const raw = await exchange(socket, ["GET /v1/status HTTP/1.1\r\n\r\n"]);
    assert.equal(statusOf(raw), 200);
  }, { readTimeoutMs: 200 });
});

Deno.test("serveUnix() sends the answers in progress before it finishes", async () => {
  const gate = Promise.withResolvers<void>();
  await withServer(async (socket, seen, server) => {
    const pending = exchange(socket, ["GET /v1/status HTTP/1.1\r\n\r\n"]);
    await waitFor(() => seen.length > 0, {
      intervalMs: 5,
      message: "the request to reach the server",
    });
    let finished = false;
    const stopping = server.stop().then(() => finished = true);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!finished, "finished before the answer was sent");
    await assert.rejects(
      Deno.connect({ transport: "unix", path: socket }),
      "a new connection after the stop",
    );
    gate.resolve();
    assert.equal(statusOf(await pending), 200);
    await stopping;
  }, { gate: gate.promise });
});

Deno.test("serveUnix() gives up an answer its client does not read, once stopped", async () => {
  await using dir = await makeTempDir();
  const socket = dir.join("s.sock");
  const controller = new AbortController();
  const asked = Promise.withResolvers<void>();
  const server = serveUnix(socket, {
    signal: controller.signal,
    writeGraceMs: 100,
    answer: () => {
      asked.resolve();
      // Far more than the socket's buffers hold.
      return Promise.resolve({ status: 200, body: "x".repeat(16 << 20) });
    },
  });
  using conn = await Deno.connect({ transport: "unix", path: socket });
  await conn.write(new TextEncoder().encode("GET /v1/status HTTP/1.1\r\n\r\n"));
  await deadline(asked.promise, "the request");
  controller.abort();
  await deadline(server.finished, "the server to give up the answer");
});
