import { DEFAULT_TIMING } from "../timing.ts";

interface Subscription {
  /** Runs every this many ticks. */
  ticks: number;
  /** The next tick it runs at. */
  due: number;
  run: () => void;
}

/**
 * One timer for the periodic checks of an idle supervisor: the fence, idle
 * log-size checks and adopted services run on a shared grid of ticks (one
 * second by default, `tickMs`), and the timer wakes the process only at a
 * tick where something is due, so checks every 5 s and every 3 s wake it at
 * 3, 5, 6, 9, 10 … s. Each wake-up costs an idle Deno process a millisecond
 * or more of CPU (measured on a 2 vCPU VM), far more than the checks
 * themselves. An interval that is not a whole number of ticks gets a timer
 * of its own. The timer does not keep the process alive.
 *
 * @example
 * ```ts
 * import { Ticker } from "./ticker.ts";
 * const ticker = new Ticker({ tickMs: 1_000 });
 * const cancel = ticker.every(3_000, () => {});
 * cancel();
 * ```
 */
export class Ticker {
  #subscriptions = new Set<Subscription>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When tick 0 was. */
  #origin = performance.now();
  /** The base tick: every interval that is a multiple of it shares one timer. */
  readonly #tickMs: number;

  constructor(options: { tickMs?: number } = {}) {
    this.#tickMs = options.tickMs ?? DEFAULT_TIMING.tickMs;
  }

  /** Calls `callback` every `ms` until the returned function is called. */
  every(ms: number, callback: () => void): () => void {
    if (ms < this.#tickMs || ms % this.#tickMs !== 0) {
      const own = setInterval(callback, ms);
      Deno.unrefTimer(own);
      return () => clearInterval(own);
    }
    const ticks = ms / this.#tickMs;
    const subscription = { ticks, due: this.#now() + ticks, run: callback };
    this.#subscriptions.add(subscription);
    this.#schedule();
    return () => {
      this.#subscriptions.delete(subscription);
      if (this.#subscriptions.size === 0) this.#cancel();
    };
  }

  /** Calls `callback` once, at the first tick at or after `ms` from now. */
  once(ms: number, callback: () => void): () => void {
    const whole = Math.max(
      this.#tickMs,
      Math.ceil(ms / this.#tickMs) * this.#tickMs,
    );
    const cancel = this.every(whole, () => {
      cancel();
      callback();
    });
    return cancel;
  }

  /** The current tick. */
  #now(): number {
    // A timer may fire a hair early: count a tick from 1 ms before it.
    return Math.floor((performance.now() - this.#origin + 1) / this.#tickMs);
  }

  #schedule(): void {
    this.#cancel();
    let next = Infinity;
    for (const subscription of this.#subscriptions) {
      next = Math.min(next, subscription.due);
    }
    if (next === Infinity) return;
    const at = this.#origin + next * this.#tickMs;
    this.#timer = setTimeout(
      () => this.#tick(),
      Math.max(0, at - performance.now()),
    );
    Deno.unrefTimer(this.#timer);
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (const subscription of [...this.#subscriptions]) {
      if (subscription.due > now) continue;
      subscription.due = now + subscription.ticks;
      subscription.run();
    }
    this.#schedule();
  }
}
