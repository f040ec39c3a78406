import assert from "node:assert/strict";
import { TendError } from "../../src/errors.ts";
import { readHandshake } from "../../src/ipc/handshake.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A stream of `chunks` that ends after them, or stays open when `open`;
 * `cancelled` resolves when its reader lets go.
 */
function streamOf(chunks: Uint8Array[], options: { open?: boolean } = {}): {
  stream: ReadableStream<Uint8Array>;
  cancelled: Promise<void>;
} {
  const { promise, resolve } = Promise.withResolvers<void>();
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk !== undefined) controller.enqueue(chunk);
      else if (!options.open) controller.close();
      else return new Promise(() => {});
    },
    cancel() {
      resolve();
    },
  });
  return { stream, cancelled: promise };
}

Deno.test("readHandshake() reads a line split anywhere, even inside a character", async () => {
  const line = encode(
    '{"ok":false,"error":{"code":"CONFIG_INVALID","message":"Cannot load ✓"}}\n',
  );
  const cut = line.indexOf(0xe2) + 1; // inside "✓"
  const { stream } = streamOf([
    line.subarray(0, 5),
    line.subarray(5, cut),
    line.subarray(cut),
  ]);
  assert.deepEqual(await readHandshake(stream), {
    ok: false,
    error: { code: "CONFIG_INVALID", message: "Cannot load ✓" },
  });
});

Deno.test("readHandshake() takes the first line and lets go of the stream", async () => {
  const { stream, cancelled } = streamOf([
    encode('{"ok":true,"pid":42,"lost":false}\nmore\n'),
    encode("never read\n"),
  ], { open: true });
  assert.deepEqual(await readHandshake(stream), {
    ok: true,
    pid: 42,
    lost: false,
  });
  await cancelled;
});

Deno.test("readHandshake() returns null when the stream ends without a line", async (t) => {
  for (const chunks of [[], [encode('{"ok":true,"pid":42')]]) {
    await t.step(`${chunks.length} chunks`, async () => {
      assert.equal(await readHandshake(streamOf(chunks).stream), null);
    });
  }
});

Deno.test("readHandshake() throws START_FAILED on a line that is not a handshake", async (t) => {
  const cases: [string, RegExp][] = [
    ["hello", /not JSON/],
    ["[]", /invalid|expected/i],
    ['{"ok":true,"pid":"42","lost":false}', /"pid"/],
    ['{"ok":true,"pid":42}', /"lost"/],
    ['{"ok":false,"error":{"code":1}}', /"error\.code"/],
    ['{"ok":"yes"}', /"ok"/],
  ];
  for (const [line, reason] of cases) {
    await t.step(line, async () => {
      const error = await readHandshake(streamOf([encode(`${line}\n`)]).stream)
        .catch((e: unknown) => e);
      assert.ok(error instanceof TendError);
      assert.equal(error.code, "START_FAILED");
      assert.match(
        error.message,
        /^Cannot start the supervisor: it answered with garbage/,
      );
      assert.match(error.message, reason);
    });
  }
});
