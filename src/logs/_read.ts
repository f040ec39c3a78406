import { TendError } from "../errors.ts";

/** Opens `path` for reading; `null` when it does not exist. */
export async function openOrNull(path: string): Promise<Deno.FsFile | null> {
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

/**
 * Reads up to `length` bytes at `position`, fewer only at the end of the
 * file. Leaves the file position after the last byte read.
 */
export async function readAt(
  file: Deno.FsFile,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const bytes = new Uint8Array(Math.max(0, length));
  await file.seek(position, Deno.SeekMode.Start);
  let read = 0;
  while (read < bytes.length) {
    const n = await file.read(bytes.subarray(read));
    if (n === null) break;
    read += n;
  }
  return bytes.subarray(0, read);
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
