import { writeAtomic } from "../fence/safe_file.ts";

/** Random bytes in a token: 256 bits. */
const TOKEN_BYTES = 32;
/** Mode of the token file. */
const TOKEN_FILE_MODE = 0o600;

/** A new random token: 64 hex digits from `crypto.getRandomValues`. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes `token` to `path` atomically (temp file, fsync, rename), mode 0600.
 * Requires write permission on the directory.
 */
export async function writeToken(path: string, token: string): Promise<void> {
  await writeAtomic(path, `${token}\n`, { mode: TOKEN_FILE_MODE });
}

/**
 * Whether `given` is `expected`, in a time that does not depend on where they
 * differ (only on the length of `expected`).
 */
export function sameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
