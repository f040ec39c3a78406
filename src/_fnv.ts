/**
 * FNV-1a (32 bits) of a text's UTF-8 bytes, as 8 hex digits: a short name
 * derived from a path, a check that a cached value is the one written. Not
 * a defence against someone who means it.
 *
 * @example
 * ```ts
 * import { fnv1a } from "./_fnv.ts";
 * fnv1a("a"); // "e40c292c"
 * ```
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
