/**
 * How many requests the sender keeps in flight at once.
 *
 * With one request per span, what a far backend takes is bound by its round trip, not by our CPU: 32 requests
 * at a time to a backend 50 ms away carry 640 spans/s, and a service ending more loses the rest once the queue
 * is full. So the limit starts at the configured concurrency and grows (by half, up to `max`) while requests
 * have waited for a slot for a while *and* the thread that sends them was mostly idle meanwhile: they wait for
 * the network, which more requests in flight overcome. Where the thread is busy instead, or waits for a core
 * (a backend on the same machine, a core shared with the app), more in flight would only open connections, so
 * it does not grow. It shrinks back (by half, never below the start) once a long window went by using at most
 * half of it.
 */
import { threadDemand } from "./thread-demand.js";

/** The share of the time since a mark that the sending thread ran or waited for a core (thread-demand.ts). */
export interface ThreadDemand {
  mark(): unknown;
  since(mark: unknown): number;
}

export interface ConcurrencyLimitOptions {
  /** Where the limit starts, and the least it shrinks to. */
  start: number;
  /** The most it grows to. */
  max: number;
  demand?: ThreadDemand;
  now?: () => number;
}

/** Requests must have waited this long before the wait says anything about the network. */
export const STARVED_FOR_MS = 100;
/** Below this share of the window spent running (or ready to run), what requests waited for was the network. */
export const IDLE_SHARE = 0.5;
/** How long a window of low use must last before the limit shrinks. */
export const SHRINK_WINDOW_MS = 10_000;

export class ConcurrencyLimit {
  readonly #start: number;
  readonly #max: number;
  readonly #demand: ThreadDemand;
  readonly #now: () => number;
  #current: number;
  /** Since when requests have waited with every slot taken, and the loop's mark then; undefined while none wait. */
  #starvedSince: number | undefined;
  #starvedMark: unknown;
  #windowStart: number;
  #peakInFlight = 0;

  constructor(options: ConcurrencyLimitOptions) {
    this.#start = Math.max(1, Math.floor(options.start));
    this.#max = Math.max(this.#start, Math.floor(options.max));
    this.#current = this.#start;
    this.#demand = options.demand ?? threadDemand();
    this.#now = options.now ?? (() => performance.now());
    this.#windowStart = this.#now();
  }

  get current(): number {
    return this.#current;
  }

  get max(): number {
    return this.#max;
  }

  /** Requests wait with every slot taken (`inFlight` of them). */
  starved(inFlight: number): void {
    this.#sawInFlight(inFlight);
    if (this.#current >= this.#max) return;
    const now = this.#now();
    if (this.#starvedSince === undefined) {
      this.#starvedSince = now;
      this.#starvedMark = this.#demand.mark();
      return;
    }
    if (now - this.#starvedSince < STARVED_FOR_MS) return;
    const busy = this.#demand.since(this.#starvedMark);
    if (busy < IDLE_SHARE) this.#current = Math.min(this.#max, this.#current + Math.ceil(this.#current / 2));
    // A new window either way: each step is judged on what happened since the last one.
    this.#starvedSince = now;
    this.#starvedMark = this.#demand.mark();
  }

  /** Nothing waits for a slot (`inFlight` requests are out). */
  fed(inFlight: number): void {
    this.#starvedSince = undefined;
    this.#sawInFlight(inFlight);
  }

  #sawInFlight(inFlight: number): void {
    if (inFlight > this.#peakInFlight) this.#peakInFlight = inFlight;
    const now = this.#now();
    if (now - this.#windowStart < SHRINK_WINDOW_MS) return;
    if (this.#peakInFlight * 2 <= this.#current) this.#current = Math.max(this.#start, Math.ceil(this.#current / 2));
    this.#windowStart = now;
    this.#peakInFlight = 0;
  }
}
