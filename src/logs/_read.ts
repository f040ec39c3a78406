import { TendError } from "../errors.ts";
import { statOwnFile } from "../fence/safe_file.ts";

/**
 * Opens `path` (a log of tend's) for reading; `null` when it does not exist.
 * Only a regular file of ours: opening a FIFO left in its place would wait
 * for a writer that never comes (`FILE_IN_THE_WAY`, as a spawn says).
 */
export async function openOrNull(path: string): Promise<Deno.FsFile | null> {
  if (await statOwnFile(path) === null) return null;
  try {
    return await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new TendError(
        "PERMISSION_DENIED",
        `Cannot read "${path}": permission denied`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
