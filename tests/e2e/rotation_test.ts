import assert from "node:assert/strict";
import { makeTempWorkspace, tend, waitFor } from "../_helpers.ts";

const COUNTER = new URL("../fixtures/counter.ts", import.meta.url).pathname;
const MAX_BYTES = 32 * 1024;
const BACKUPS = 2;

Deno.test("the supervisor rotates a service's log by size, keeping lines in order and disk use bounded", async () => {
  await using ws = await makeTempWorkspace(`[[processes]]
name = "chatty"
command = ${JSON.stringify(Deno.execPath())}
args = ["run", "-A", ${
    JSON.stringify(COUNTER)
  }, "--count", "60000", "--delay", "1", "--hold"]
log_max_size = ${MAX_BYTES}
log_backups = ${BACKUPS}
`);
  const start = await tend(ws, ["start"]);
  assert.equal(start.code, 0, start.stderr);
  const log = ws.path(".tend/log/chatty.log");
  let peakBytes = 0;
  let largestFile = 0;
  // The last line may be rotated into `.1` after the counter finishes.
  await waitFor(async () => {
    const use = await diskUse(log);
    peakBytes = Math.max(peakBytes, use.total);
    largestFile = Math.max(largestFile, use.largest);
    return (await exists(`${log}.${BACKUPS}`)) &&
      (await Deno.readTextFile(log).catch(() => "") +
        await Deno.readTextFile(`${log}.1`).catch(() => "")).includes(
          "line 060000",
        );
  }, { timeoutMs: 60_000, message: "the counter to finish across rotations" });
  const stop = await tend(ws, ["stop"]);
  assert.equal(stop.code, 0, stop.stderr);

  const files = [
    `${log}.${BACKUPS}`,
    ...Array.from(
      { length: BACKUPS - 1 },
      (_, i) => `${log}.${BACKUPS - 1 - i}`,
    ),
    log,
  ];
  const numbers = (await Promise.all(files.map((f) => Deno.readTextFile(f))))
    .join("").split("\n").filter((line) => line.startsWith("line "))
    .map((line) => Number(line.slice(5)));
  assert.ok(numbers.length > 1000, "the kept files hold many lines");
  assert.equal(numbers.at(-1), 60000, "the last line is kept, last");
  let lost = 0;
  for (let i = 1; i < numbers.length; i++) {
    assert.ok(
      numbers[i]! > numbers[i - 1]!,
      `line ${numbers[i]} follows ${
        numbers[i - 1]
      }: in order, never duplicated`,
    );
    lost += numbers[i]! - numbers[i - 1]! - 1;
  }
  assert.ok(lost <= 50, `at most a few lines lost at rotations, lost ${lost}`);
  assert.ok(
    !(await exists(`${log}.${BACKUPS + 1}`)),
    "no more backups than log_backups",
  );
  // Bounded in files: log_backups + 1 of them, each up to the largest one
  // seen, plus one counted twice while it is copied. How far past
  // log_max_size a file grows before the check catches it depends on how
  // late the supervisor's timers come on a loaded machine: not asserted.
  const bound = Math.max(2 * MAX_BYTES, largestFile) * (BACKUPS + 2);
  assert.ok(
    peakBytes <= bound,
    `disk use ${peakBytes} stays within ${bound} bytes`,
  );
  const tendLog = await Deno.readTextFile(ws.path(".tend/log/tend.log"));
  assert.match(tendLog, /rotated .*chatty\.log/);
});

/** The bytes of the log and its rotated files: in all, and of the largest. */
async function diskUse(
  log: string,
): Promise<{ total: number; largest: number }> {
  let total = 0;
  let largest = 0;
  for (const suffix of ["", ".1", ".2", ".3", ".rotating"]) {
    const size = await Deno.stat(log + suffix).then((s) => s.size, () => 0);
    total += size;
    largest = Math.max(largest, size);
  }
  return { total, largest };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
