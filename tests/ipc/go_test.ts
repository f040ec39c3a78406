import assert from "node:assert/strict";
import {
  goLine,
  type LaunchStart,
  MAX_GO_BYTES,
  readGoLine,
} from "../../src/ipc/go.ts";

const ID = "0b5f4c1e-6a2d-4f7e-9c3b-8d1a2e3f4a5b";

/** `line` without its newline, as the standby hands it to readGoLine. */
function bare(line: string): string {
  assert.ok(line.endsWith("\n"), JSON.stringify(line));
  return line.slice(0, -1);
}

/** A go line with `body` (any JSON) after the word. */
function goWith(body: unknown): string {
  return `go ${JSON.stringify(body)}`;
}

Deno.test("goLine() without a start is the plain go, which readGoLine() reads as no start", () => {
  assert.equal(goLine(), "go\n");
  assert.deepEqual(readGoLine("go"), { start: null });
});

Deno.test("goLine() with a start writes one line of JSON after the word", () => {
  const line = goLine({ id: ID, names: ["web", "db"], wait: false });
  assert.equal(
    line,
    `go {"id":"${ID}","names":["web","db"],"wait":false}\n`,
  );
  assert.equal(line.indexOf("\n"), line.length - 1);
});

Deno.test("readGoLine() reads back what goLine() wrote", async (t) => {
  const starts: LaunchStart[] = [
    { id: ID, names: ["web"], wait: true },
    { id: ID, names: ["web", "db", "cache"], wait: false },
    { id: ID, names: [], wait: true },
    { id: crypto.randomUUID(), names: ['a "quoted" name', "ünï"], wait: true },
  ];
  for (const start of starts) {
    await t.step(JSON.stringify(start), () => {
      assert.deepEqual(readGoLine(bare(goLine(start))), { start });
    });
  }
});

Deno.test("readGoLine() fills in the start request's default wait", () => {
  assert.deepEqual(readGoLine(goWith({ id: ID, names: ["web"] })), {
    start: { id: ID, names: ["web"], wait: true },
  });
});

Deno.test("readGoLine() says no go for anything but go and a JSON object", async (t) => {
  const lines: [string, string][] = [
    ["empty", ""],
    ["another word", "stop"],
    ["upper case", "GO"],
    ["a carriage return", "go\r"],
    ["a word after", "gone"],
    ["a space and nothing", "go "],
    ["no space", `go{"id":"${ID}","names":[],"wait":true}`],
    ["not JSON", "go {id: 1}"],
    ["cut JSON", `go {"id":"${ID}","names":["web"`],
    ["an array", goWith([ID, ["web"], true])],
    ["null", "go null"],
    ["a string", goWith(ID)],
    ["a number", "go 7"],
    ["two objects", `${goWith({ id: ID })} {}`],
  ];
  for (const [label, line] of lines) {
    await t.step(label, () => assert.equal(readGoLine(line), null));
  }
});

Deno.test("readGoLine() drops a start that is not plainly well-formed, and still goes", async (t) => {
  const bodies: [string, unknown][] = [
    ["no id", { names: ["web"], wait: true }],
    ["a numeric id", { id: 7, names: ["web"], wait: true }],
    ["an id that is no UUID", { id: "launch-1", names: ["web"], wait: true }],
    ["an upper-case UUID", { id: ID.toUpperCase(), names: [], wait: true }],
    ["a UUID with more", { id: `${ID}0`, names: [], wait: true }],
    ["no names", { id: ID, wait: true }],
    ["null names", { id: ID, names: null, wait: true }],
    ["names not a list", { id: ID, names: "web", wait: true }],
    ["a name not a string", { id: ID, names: ["web", 1], wait: true }],
    ["an empty name", { id: ID, names: ["web", ""], wait: true }],
    ["a name too long", { id: ID, names: ["x".repeat(201)], wait: true }],
    ["too many names", { id: ID, names: manyNames(1001), wait: true }],
    ["wait not a boolean", { id: ID, names: ["web"], wait: "yes" }],
    ["an extra key", { id: ID, names: ["web"], wait: true, force: true }],
  ];
  for (const [label, body] of bodies) {
    await t.step(label, () => {
      assert.deepEqual(readGoLine(goWith(body)), { start: null });
    });
  }
});

Deno.test("a go line longer than MAX_GO_BYTES is no go", () => {
  const line = goWith({ id: ID, names: ["x".repeat(MAX_GO_BYTES)] });
  assert.equal(readGoLine(line), null);
  assert.equal(readGoLine(`go ${" ".repeat(MAX_GO_BYTES)}{}`), null);
});

Deno.test("goLine() leaves out a start too long for a go line; one that fits is sent", () => {
  // 1000 names of 200 characters: a start request may ask for it.
  const huge = { id: ID, names: manyNames(1000, 200), wait: true };
  assert.equal(goLine(huge), "go\n");
  const many = { id: ID, names: manyNames(1000), wait: true };
  const line = goLine(many);
  assert.ok(new TextEncoder().encode(line).length <= MAX_GO_BYTES);
  assert.deepEqual(readGoLine(bare(line)), { start: many });
});

/** `count` distinct names, each `length` characters long (at least). */
function manyNames(count: number, length = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `svc-${i}`.padEnd(length, "x"),
  );
}
