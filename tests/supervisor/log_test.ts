import assert from "node:assert/strict";
import { formatLine, openSupervisorLog } from "../../src/supervisor/log.ts";
import { makeTempDir } from "../fence/_helpers.ts";

Deno.test("formatLine() fills the template, quotes service names, and says WARNING", () => {
  const line = formatLine({
    level: "warn",
    message: "{service} ignored {signal}; sent SIGKILL {missing}",
    properties: { service: "web", signal: "SIGTERM" },
    at: Date.parse("2026-11-22T04:50:00.123Z"),
  });
  assert.equal(
    line,
    '2026-11-22T04:50:00.123Z WARNING "web" ignored SIGTERM; sent SIGKILL {missing}\n',
  );
});

Deno.test("the supervisor log rotates by size and keeps `backups` files", async () => {
  await using dir = await makeTempDir();
  const file = dir.join("tend.log");
  const lines: string[] = [];
  {
    await using log = await openSupervisorLog({
      file,
      maxBytes: 200,
      backups: 2,
      extraSink: (line) => lines.push(line),
    });
    for (let i = 0; i < 12; i++) log.info("line {n} of the log", { n: i });
  }
  assert.equal(lines.length, 12);
  assert.match(lines[11]!, / INFO {2}line 11 of the log$/);
  const read = (path: string) => Deno.readTextFile(path).catch(() => "");
  const current = await read(file);
  assert.ok(current.length <= 200, current);
  assert.match(current, /line 11 of the log\n$/);
  assert.notEqual(await read(`${file}.1`), "");
  assert.notEqual(await read(`${file}.2`), "");
  assert.equal(await read(`${file}.3`), "", "only 2 backups are kept");
  const all = (await read(`${file}.2`)) + (await read(`${file}.1`)) + current;
  const numbers = [...all.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(numbers, numbers.toSorted((a, b) => a - b), "in order");
});
