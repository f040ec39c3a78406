/**
 * Remembers the last message said about each key, so that a failure that
 * repeats at every check is reported once, and again only when it changes or
 * after {@linkcode OnceBy.reset} (the thing recovered).
 *
 * @example
 * ```ts
 * import { OnceBy } from "./_once.ts";
 * const warned = new OnceBy();
 * warned.first("app.log", "disk full"); // true: report it
 * warned.first("app.log", "disk full"); // false: already reported
 * warned.reset("app.log"); // rotated fine: the next failure is news
 * ```
 */
export class OnceBy {
  #said = new Map<string, string>();

  /**
   * True when `message` is not the last one said about `key` (report it);
   * remembers it either way.
   */
  first(key: string, message: string): boolean {
    if (this.#said.has(key) && this.#said.get(key) === message) return false;
    this.#said.set(key, message);
    return true;
  }

  /** Forgets `key`: the next message about it is reported. */
  reset(key: string): void {
    this.#said.delete(key);
  }
}
