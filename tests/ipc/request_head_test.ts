import assert from "node:assert/strict";
import { dechunkBody } from "../../src/ipc/_bytes.ts";
import {
  bodyFraming,
  encodeAnswer,
  isProblem,
  parseRequestHead,
  type RequestHead,
} from "../../src/ipc/_request_head.ts";

function head(text: string): RequestHead {
  const parsed = parseRequestHead(text);
  assert.ok(!isProblem(parsed), JSON.stringify(parsed));
  return parsed;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | null) =>
  data === null ? null : new TextDecoder().decode(data);

Deno.test("parseRequestHead() reads the method, the path and the fields", () => {
  const parsed = head(
    "POST /v1/start?x=1 HTTP/1.1\r\nHost: tend\r\nX-Tend-Launch:  abc \r\n" +
      "Accept: a\r\naccept: b",
  );
  assert.equal(parsed.method, "POST");
  assert.equal(parsed.path, "/v1/start");
  assert.deepEqual([...parsed.headers], [
    ["host", "tend"],
    ["x-tend-launch", "abc"],
    ["accept", "a, b"],
  ]);
});

Deno.test("parseRequestHead() takes a target in absolute form", () => {
  assert.equal(head("GET http://tend/v1/ping HTTP/1.1").path, "/v1/ping");
  assert.equal(head("GET HTTP://tend?x HTTP/1.0").path, "/");
  assert.equal(head("GET /v1/status#top HTTP/1.1").path, "/v1/status");
});

Deno.test("parseRequestHead() names what is wrong with a head it refuses", () => {
  const cases: [string, string, number][] = [
    ["no version", "GET /v1/ping", 400],
    ["two spaces", "GET  /v1/ping HTTP/1.1", 400],
    ["a method that is not a token", "G(T /v1/ping HTTP/1.1", 400],
    ["HTTP/2.0", "GET /v1/ping HTTP/2.0", 505],
    ["a target in no form", "GET * HTTP/1.1", 400],
    ["a folded field", "GET / HTTP/1.1\r\nA: b\r\n  c", 400],
    ["a space before the colon", "GET / HTTP/1.1\r\nHost : tend", 400],
    ["a field without colon", "GET / HTTP/1.1\r\nHost", 400],
    ["an empty field name", "GET / HTTP/1.1\r\n: tend", 400],
  ];
  for (const [label, value, status] of cases) {
    const parsed = parseRequestHead(value);
    assert.ok(isProblem(parsed), label);
    assert.equal(parsed.status, status, label);
  }
});

Deno.test("bodyFraming() reads Content-Length and Transfer-Encoding", () => {
  const framing = (fields: string) =>
    bodyFraming(head(`POST /v1/start HTTP/1.1${fields}`));
  assert.equal(framing(""), 0);
  assert.equal(framing("\r\nContent-Length: 12"), 12);
  assert.equal(framing("\r\nContent-Length: 7\r\nContent-Length: 7"), 7);
  assert.equal(framing("\r\nTransfer-Encoding: Chunked"), "chunked");
  const problems: [string, number][] = [
    ["\r\nContent-Length: 7\r\nContent-Length: 8", 400],
    ["\r\nContent-Length: -1", 400],
    ["\r\nContent-Length: 1e3", 400],
    ["\r\nContent-Length: 9999999999999999", 400],
    ["\r\nTransfer-Encoding: gzip, chunked", 501],
  ];
  for (const [fields, status] of problems) {
    const result = framing(fields);
    assert.ok(typeof result === "object", fields);
    assert.equal(result.status, status, fields);
  }
});

Deno.test("dechunkBody() waits for the last chunk and the end of the trailers", () => {
  assert.equal(text(dechunkBody(bytes("5\r\nhello\r\n0\r\n\r\n"))), "hello");
  assert.equal(
    text(dechunkBody(bytes("3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"))),
    "abcde",
  );
  for (
    const partial of [
      "",
      "5\r\nhel",
      "5\r\nhello\r\n",
      "5\r\nhello\r\n0\r\n",
      "5\r\nhello\r\n0\r\nT: 1\r\n",
    ]
  ) {
    assert.equal(dechunkBody(bytes(partial)), null, JSON.stringify(partial));
  }
  assert.throws(() => dechunkBody(bytes("zz\r\nhello\r\n")), TypeError);
});

Deno.test("encodeAnswer() frames a JSON body and closes", () => {
  const answer = { status: 404, body: '{"é":1}' };
  assert.equal(
    text(encodeAnswer(answer)),
    "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n" +
      'content-length: 8\r\nconnection: close\r\n\r\n{"é":1}',
  );
  assert.ok(
    text(encodeAnswer(answer, { headOnly: true }))!.endsWith("\r\n\r\n"),
  );
});
