import assert from "node:assert/strict";
import { type LogBatch, streamLogs } from "../../src/logs/stream.ts";
import { makeTempDir } from "../fence/_helpers.ts";

async function collect(stream: AsyncIterable<LogBatch>): Promise<LogBatch[]> {
  const batches: LogBatch[] = [];
  for await (const batch of stream) batches.push(batch);
  return batches;
}

Deno.test("streamLogs() yields each service's backlog, an unfinished last line included", async () => {
  await using dir = await makeTempDir();
  await Deno.writeTextFile(dir.join("a.log"), "1\n2\n3\npartial");
  await Deno.writeTextFile(dir.join("b.log"), "only\n");
  const sources = [
    { name: "a", file: dir.join("a.log") },
    { name: "b", file: dir.join("b.log") },
    { name: "c", file: dir.join("missing.log") },
  ];
  assert.deepEqual(
    await collect(streamLogs(sources, { lines: 2, follow: false })),
    [
      { service: "a", lines: ["3", "partial"] },
      { service: "b", lines: ["only"] },
      { service: "c", lines: [] },
    ],
  );
  assert.deepEqual(
    await collect(streamLogs(sources, { lines: 0, follow: false })),
    [
      { service: "a", lines: [] },
      { service: "b", lines: [] },
      { service: "c", lines: [] },
    ],
  );
});

Deno.test("streamLogs() follows until the signal aborts, yielding what was written before", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("web.log");
  await Deno.writeTextFile(file, "old\n");
  const controller = new AbortController();
  const seen: string[] = [];
  const stream = streamLogs([{ name: "web", file }], {
    lines: 10,
    follow: true,
    signal: controller.signal,
  });
  for await (const { lines } of stream) {
    seen.push(...lines);
    if (seen.length === 1) {
      await Deno.writeTextFile(file, "new 1\n", { append: true });
    }
    if (seen.includes("new 1") && !seen.includes("last")) {
      // Written just before the abort: still yielded.
      await Deno.writeTextFile(file, "last\n", { append: true });
      controller.abort();
    }
  }
  assert.deepEqual(seen, ["old", "new 1", "last"]);
});
