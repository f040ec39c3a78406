/** The base tick: every interval that is a multiple of it shares one timer. */
const TICK_MS = 1_000;

interface Subscription {
  /** Runs every this many ticks. */
  ticks: number;
  /** The tick count when it was added. */
  from: number;
  run: () => void;
}

/**
 * One timer for the periodic checks of an idle supervisor: the fence, idle
 * log-size checks and adopted services all run on the same one-second tick,
 * so an idle supervisor wakes once a second. Each wake-up costs an idle Deno
 * process about a millisecond of CPU, far more than the checks themselves.
 * An interval that is not a whole number of seconds gets a timer of its own.
 * The timer does not keep the process alive.
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
  #subscriptions = new Set<Subscription>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #count = 0;

  /** Calls `callback` every `ms` until the returned function is called. */
  every(ms: number, callback: () => void): () => void {
    if (ms < TICK_MS || ms % TICK_MS !== 0) {
      const own = setInterval(callback, ms);
      Deno.unrefTimer(own);
      return () => clearInterval(own);
    }
    const subscription = {
      ticks: ms / TICK_MS,
      from: this.#count,
      run: callback,
    };
    this.#subscriptions.add(subscription);
    this.#start();
    return () => {
      this.#subscriptions.delete(subscription);
      if (this.#subscriptions.size === 0) this.#stop();
    };
  }

  /** Calls `callback` once, at a tick within `ms` (at most a second early). */
  once(ms: number, callback: () => void): () => void {
    const cancel = this.every(Math.max(TICK_MS, ms), () => {
      cancel();
      callback();
    });
    return cancel;
  }

  #start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    Deno.unrefTimer(this.#timer);
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const count = ++this.#count;
    for (const subscription of [...this.#subscriptions]) {
      if ((count - subscription.from) % subscription.ticks === 0) {
        subscription.run();
      }
    }
  }
}
