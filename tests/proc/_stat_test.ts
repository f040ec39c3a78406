import assert from "node:assert/strict";
import { parseStat, type ProcStat } from "../../src/proc/_stat.ts";

/** A stat line as the kernel writes it: pid, (comm), then fields 3..52. */
function statLine(pid: string, comm: string, after: Record<number, string>) {
  const fields = Array.from({ length: 50 }, (_, i) => after[i + 3] ?? "0");
  return `${pid} (${comm}) ${fields.join(" ")}\n`;
}

const FIELDS = {
  3: "S",
  4: "1",
  5: "4242",
  6: "4240",
  14: "7",
  15: "3",
  22: "126408",
  23: "123456789",
  24: "500",
};
const EXPECTED: Omit<ProcStat, "comm"> = {
  pid: 4242,
  state: "S",
  ppid: 1,
  pgrp: 4242,
  sid: 4240,
  startTicks: 126408,
  utimeTicks: 7,
  stimeTicks: 3,
  vsizeBytes: 123456789,
  rssPages: 500,
};

Deno.test.each([
  ["plain", "sleep"],
  ["with spaces", "tmux: server"],
  ["with parentheses", "a) (b"],
  ["that looks like fields", "x) R 9 9 9 9"],
  ["empty", ""],
])("parseStat() reads every field when comm is %s", (_, comm) => {
  assert.deepEqual(parseStat(statLine("4242", comm, FIELDS)), {
    ...EXPECTED,
    comm,
  });
});

Deno.test("parseStat() reads a zombie", () => {
  const stat = parseStat(statLine("4242", "sh", { ...FIELDS, 3: "Z" }));
  assert.equal(stat?.state, "Z");
});

Deno.test("parseStat() reads the stat of this process", async () => {
  const stat = parseStat(await Deno.readTextFile("/proc/self/stat"));
  assert.equal(stat?.pid, Deno.pid);
  assert.ok((stat?.startTicks ?? 0) > 0);
});

Deno.test.each([
  ["empty text", ""],
  ["prose", "hello world"],
  ["no closing parenthesis", "12 (sleep S 1 2 3"],
  ["a non-numeric pid", statLine("abc", "x", FIELDS)],
  ["a zero pid", statLine("0", "x", FIELDS)],
  ["a bad state", statLine("12", "x", { ...FIELDS, 3: "?" })],
  ["a non-numeric start time", statLine("12", "x", { ...FIELDS, 22: "x1" })],
  ["too few fields", "12 (x) S 1 12 12 0 -1 0 0 0 0 0 7 3\n"],
  ["no space after the pid", statLine("12", "x", FIELDS).replace(" (", "(")],
])("parseStat() returns null for %s", (_, text) => {
  assert.equal(parseStat(text), null);
});
