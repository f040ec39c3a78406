import { TendError } from "../errors.ts";
import { TextLineStream } from "../logs/line_splitter.ts";
import { lazyImport } from "../_lazy.ts";
import type { Handshake } from "./protocol.ts";
import { type JsonSchema, quickParse } from "./quick_check.ts";
import { WIRE_HANDSHAKE } from "./wire_responses.ts";

/**
 * Reads the handshake, the first line of a launched supervisor's stdout,
 * decoding the stream as a stream (a character may straddle two chunks).
 * Returns `null` when the stream ends before a whole line; the reader is
 * released either way (the rest of the stream is cancelled).
 *
 * @throws {TendError} `START_FAILED` when the line is not a handshake.
 */
export async function readHandshake(
  stdout: ReadableStream<Uint8Array>,
): Promise<Handshake | null> {
  const lines = stdout
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new TextLineStream())
    .getReader();
  let line: string;
  try {
    const first = await lines.read();
    if (first.done) return null;
    line = first.value;
  } finally {
    await lines.cancel().catch(() => {});
  }
  return await parseHandshake(line);
}

/**
 * The handshake in `line`; `START_FAILED` naming what is wrong otherwise.
 * Checked against its JSON Schema (quick_check.ts) without zod, which
 * loads (and names the fault) only for a line that check does not settle.
 */
export async function parseHandshake(line: string): Promise<Handshake> {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    throw garbage("it is not JSON");
  }
  const quick = quickParse(WIRE_HANDSHAKE as JsonSchema, data);
  if (quick !== undefined) return quick as Handshake;
  const { Handshake } = await lazyImport<typeof import("./protocol.ts")>(
    new URL("./protocol.ts", import.meta.url),
  );
  const result = Handshake.safeParse(data, { jitless: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? `"${issue.path.join(".")}": ` : "";
  throw garbage(`${field}${issue?.message ?? "invalid"}`);
}

function garbage(reason: string): TendError {
  return new TendError(
    "START_FAILED",
    `Cannot start the supervisor: it answered with garbage (${reason})`,
  );
}
