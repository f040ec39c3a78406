import assert from "node:assert/strict";
import { parseResponse } from "../../src/ipc/_http.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("parseResponse() reads the status and a plain body", async (t) => {
  const cases: [string, string, number, string][] = [
    [
      "with Content-Length",
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\n\r\n{"a":1}\n',
      200,
      '{"a":1}\n',
    ],
    ["read to EOF", "HTTP/1.1 404 Not Found\r\n\r\nnope", 404, "nope"],
    ["empty body", "HTTP/1.1 204 No Content\r\n\r\n", 204, ""],
    ["multi-byte text", "HTTP/1.1 200 OK\r\n\r\nnaïve ✓", 200, "naïve ✓"],
  ];
  for (const [label, raw, status, body] of cases) {
    await t.step(label, () => {
      assert.deepEqual(parseResponse(encode(raw)), { status, body });
    });
  }
});

Deno.test("parseResponse() joins a chunked body", async (t) => {
  const cases: [string, string, string][] = [
    ["two chunks", "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n", "Wikipedia"],
    ["hex sizes", `a\r\n${"x".repeat(10)}\r\n0\r\n\r\n`, "x".repeat(10)],
    ["multi-byte chunk", "3\r\n✓\r\n0\r\n\r\n", "✓"],
    ["only the last chunk", "0\r\n\r\n", ""],
  ];
  for (const [label, chunks, body] of cases) {
    await t.step(label, () => {
      const raw =
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`;
      assert.deepEqual(parseResponse(encode(raw)), { status: 200, body });
    });
  }
});

Deno.test("parseResponse() throws a TypeError on a broken response", async (t) => {
  const cases: [string, string][] = [
    ["no blank line", "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n"],
    ["empty", ""],
    ["bad status line", "garbage\r\n\r\nbody"],
    [
      "a body shorter than its Content-Length (the peer died)",
      'HTTP/1.1 200 OK\r\ncontent-length: 40\r\n\r\n{"results":[',
    ],
    [
      "a chunked body without its last chunk",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n",
    ],
    [
      "a chunk cut short",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc",
    ],
  ];
  for (const [label, raw] of cases) {
    await t.step(label, () => {
      assert.throws(() => parseResponse(encode(raw)), TypeError);
    });
  }
});
