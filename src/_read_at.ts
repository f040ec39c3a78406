/**
 * Reads up to `length` bytes of `file` at `position`, fewer only at the end
 * of the file. Leaves the file position after the last byte read.
 *
 * @example
 * ```ts ignore
 * using file = await Deno.open("service.log");
 * const head = await readAt(file, 0, 4096);
 * ```
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
