/**
 * Shares one timer among the callbacks that run at the same interval: 100
 * adopted services checked every 3 s wake the supervisor once per 3 s, not
 * 33 times a second. Each wake-up costs an idle Deno process about half a
 * millisecond of CPU, far more than the checks themselves.
 *
 * @example
 * ```ts
 * import { Ticker } from "./ticker.ts";
 * const ticker = new Ticker();
 * const cancel = ticker.every(3_000, () => {});
 * cancel();
 * ```
 */
export class Ticker {
  #groups = new Map<
    number,
    { timer: ReturnType<typeof setInterval>; callbacks: Set<() => void> }
  >();

  /** Calls `callback` every `ms` until the returned function is called. */
  every(ms: number, callback: () => void): () => void {
    let group = this.#groups.get(ms);
    if (group === undefined) {
      const callbacks = new Set<() => void>();
      const timer = setInterval(() => {
        for (const run of [...callbacks]) run();
      }, ms);
      group = { timer, callbacks };
      this.#groups.set(ms, group);
    }
    const entry = () => callback();
    group.callbacks.add(entry);
    const owner = group;
    return () => {
      owner.callbacks.delete(entry);
      if (owner.callbacks.size === 0 && this.#groups.get(ms) === owner) {
        clearInterval(owner.timer);
        this.#groups.delete(ms);
      }
    };
  }
}
