import { readAt } from "../_read_at.ts";
import { statOwnFile } from "../fence/safe_file.ts";

/** Bytes read from the end of a file to find its last lines. */
const TAIL_WINDOW_BYTES = 64 * 1024;

/**
 * The last `lines` lines of a text file, reading at most 64 KiB from its end
 * and nothing before byte `from`. Empty when the file is missing, or is not
 * a regular file of ours (a FIFO there would hold the open for good).
 */
export async function tailLines(
  path: string,
  options: { lines: number; from?: number },
): Promise<string> {
  let file: Deno.FsFile;
  try {
    if (await statOwnFile(path) === null) return "";
    file = await Deno.open(path, { read: true });
  } catch {
    return "";
  }
  try {
    const size = (await file.stat()).size;
    const start = Math.max(options.from ?? 0, size - TAIL_WINDOW_BYTES, 0);
    if (start > size) return "";
    const bytes = await readAt(file, start, size - start);
    const text = new TextDecoder().decode(bytes);
    return lastLines(text, options.lines);
  } finally {
    file.close();
  }
}

/** The last `count` lines of `text`, without a trailing newline. */
export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return count <= 0 ? "" : lines.slice(-count).join("\n");
}
