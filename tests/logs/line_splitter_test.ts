import assert from "node:assert/strict";
import {
  concat,
  LineSplitter,
  TextLineStream,
} from "../../src/logs/line_splitter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("LineSplitter cuts chunks into lines and keeps the unfinished one", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push(bytes("one\ntw")), ["one"]);
  assert.deepEqual(splitter.pending, bytes("tw"));
  assert.deepEqual(splitter.push(bytes("o\n\nthree\nfo")), [
    "two",
    "",
    "three",
  ]);
  assert.deepEqual(splitter.push(bytes("")), []);
  assert.deepEqual(splitter.push(bytes("ur\n")), ["four"]);
  assert.deepEqual(splitter.pending, bytes(""));
});

Deno.test("LineSplitter decodes a character split between chunks", () => {
  const splitter = new LineSplitter();
  const text = bytes("héllo ✓\n");
  assert.deepEqual(splitter.push(text.subarray(0, 2)), []);
  assert.deepEqual(splitter.push(text.subarray(2, 8)), []);
  assert.deepEqual(splitter.push(text.subarray(8)), ["héllo ✓"]);
});

Deno.test("LineSplitter starts with pending bytes", () => {
  const splitter = new LineSplitter(bytes("hal"));
  assert.deepEqual(splitter.push(bytes("f\n")), ["half"]);
});

Deno.test("LineSplitter cuts a line longer than 1 MiB", () => {
  const splitter = new LineSplitter();
  const lines = splitter.push(new Uint8Array(1024 * 1024 + 10).fill(0x61));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.length, 1024 * 1024);
  assert.equal(splitter.pending.length, 10);
});

Deno.test("concat() joins byte arrays", () => {
  assert.deepEqual(concat(bytes("ab"), bytes("cd")), bytes("abcd"));
  assert.deepEqual(concat(bytes(""), bytes("cd")), bytes("cd"));
  assert.deepEqual(concat(bytes("ab"), bytes("")), bytes("ab"));
});

/** The lines of `chunks` pushed through a decoder and a TextLineStream. */
async function linesOf(chunks: Uint8Array[]): Promise<string[]> {
  const lines: string[] = [];
  const source = ReadableStream.from(chunks)
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new TextLineStream());
  for await (const line of source) lines.push(line);
  return lines;
}

Deno.test("TextLineStream cuts decoded chunks into lines", async () => {
  assert.deepEqual(
    await linesOf([bytes("one\ntw"), bytes("o\n\nthree\nunfinished")]),
    ["one", "two", "", "three"],
  );
});

Deno.test("TextLineStream after a TextDecoderStream keeps a character split between chunks", async () => {
  const text = bytes('{"a":"héllo ✓"}\n');
  assert.deepEqual(
    await linesOf([
      text.subarray(0, 10),
      text.subarray(10, 14),
      text.subarray(14),
    ]),
    ['{"a":"héllo ✓"}'],
  );
});
