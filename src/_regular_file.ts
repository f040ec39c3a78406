import { fileKind } from "./fence/safe_file.ts";

/**
 * The most a file that the user names and tend reads whole (`tend.toml`, an
 * `env_file`) may hold: a config of 1000 services is under 1 MB.
 */
export const USER_FILE_MAX_BYTES = 16 * 1024 * 1024;

const MIB = 1024 * 1024;

/**
 * A file read whole by {@linkcode readRegularFile}, or why it was not: it
 * is not a regular file, or it is larger than tend reads. `refused`
 * completes "Cannot read X: ...".
 */
export type RegularFileRead =
  | { readonly bytes: Uint8Array }
  | { readonly refused: string };

/**
 * Reads a file that the user names, following links (a linked `tend.toml`
 * is common), but only a regular file of at most `maxBytes`: a FIFO would
 * hold the read until something writes to it (in the supervisor, every
 * later start, restart and `status` with it), and a device such as
 * `/dev/zero` would never end. Those come back `refused`; Deno's own errors
 * (`NotFound`, `IsADirectory`, `PermissionDenied`) are thrown as
 * `Deno.readFile` throws them.
 *
 * @example
 * ```ts ignore
 * const read = await readRegularFile("tend.toml", { maxBytes: USER_FILE_MAX_BYTES });
 * if ("refused" in read) throw new Error(`Cannot read tend.toml: ${read.refused}`);
 * ```
 */
export async function readRegularFile(
  path: string,
  options: { maxBytes: number },
): Promise<RegularFileRead> {
  const info = await Deno.stat(path);
  if (info.isDirectory) throw new Deno.errors.IsADirectory(path);
  if (!info.isFile) {
    return { refused: `it is ${fileKind(info)}, not a regular file` };
  }
  if (info.size > options.maxBytes) return tooLarge(info.size, options);
  const bytes = await Deno.readFile(path);
  // Grown since the stat: still no more than the limit is kept.
  if (bytes.length > options.maxBytes) return tooLarge(bytes.length, options);
  return { bytes };
}

function tooLarge(
  size: number,
  options: { maxBytes: number },
): { refused: string } {
  const mib = options.maxBytes / MIB;
  const limit = mib >= 1 && Number.isInteger(mib)
    ? `${mib} MiB`
    : `${options.maxBytes} bytes`;
  return { refused: `it is ${size} bytes, more than the ${limit} tend reads` };
}
