/**
 * How many requests the sender keeps in flight at once.
 *
 * With one request per span, what a far backend takes is bound by its round trip, not by our CPU: 32 requests
 * at a time to a backend 50 ms away carry 640 spans/s, and a service ending more loses the rest once the queue
 * is full. So the limit starts at the configured concurrency and grows (by half, up to `max`) while requests
 * have waited for a slot for a while *and* the thread that sends them was mostly idle meanwhile: they wait for
 * the network, which more requests in flight overcome. It grows no further than twice what the requests
 * coming in need by Little's law (their rate × how long the backend is away): batches arrive 512 spans at
 * once, and a burst alone must not open every connection it may. How far away the backend is, is the quickest
 * successful answer of the last 10–20 s, not the mean: a backend whose answers slow down only because many
 * wait in its own queue (one on the same machine, short of CPU) is near, and more in flight would only lengthen
 * that queue. A CI run saw the mean open 45 connections to a loopback receiver under load. Where the thread is
 * busy instead, or waits for a core (a backend on the same machine, a core shared with the app), more in flight
 * would only open connections, so it does not grow. It shrinks back (by half, never below the start) once a
 * long window went by using at most half of it.
 */
import { threadDemand } from "./thread-demand.js";
import { WindowPair } from "./window-pair.js";

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
/** In flight at most this many times what the arrival rate and the answer time need (bursts, a slower moment). */
export const HEADROOM = 2;
/** The arrival rate is counted over the last full bucket and the current one. */
const RATE_BUCKET_MS = 1_000;
/** The quickest answer is kept over the last full window of this length and the current one. */
const DISTANCE_WINDOW_MS = 10_000;

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
  /** Requests that came in to be sent, in the last full bucket and this one. */
  readonly #arrived: WindowPair<number>;
  /** The quickest successful answer, ms, in the window before and in this one; undefined while none. */
  readonly #quickest: WindowPair<number | undefined>;

  constructor(options: ConcurrencyLimitOptions) {
    this.#start = Math.max(1, Math.floor(options.start));
    this.#max = Math.max(this.#start, Math.floor(options.max));
    this.#current = this.#start;
    this.#demand = options.demand ?? threadDemand();
    this.#now = options.now ?? (() => performance.now());
    this.#windowStart = this.#now();
    this.#arrived = new WindowPair(RATE_BUCKET_MS, 0, this.#windowStart);
    // A backend that moved farther (a failover) is believed within two windows.
    this.#quickest = new WindowPair<number | undefined>(DISTANCE_WINDOW_MS, undefined, this.#windowStart);
  }

  now(): number {
    return this.#now();
  }

  /** `count` requests came in to be sent. */
  arrived(count: number): void {
    const now = this.#now();
    this.#arrived.set(now, this.#arrived.current(now) + count);
  }

  /** A request sent at `sentAt` (this limit's `now()`) settled; only answers that succeeded say how far the backend is. */
  settled(sentAt: number, succeeded: boolean): void {
    if (!succeeded) return;
    const now = this.#now();
    const took = now - sentAt;
    const quickest = this.#quickest.current(now);
    if (quickest === undefined || took < quickest) this.#quickest.set(now, took);
  }

  /** How far away the backend is, ms: its quickest answer lately; undefined while none succeeded lately. */
  get #distanceMs(): number | undefined {
    const now = this.#now();
    const before = this.#quickest.before(now);
    const current = this.#quickest.current(now);
    if (before === undefined) return current;
    if (current === undefined) return before;
    return Math.min(before, current);
  }

  /** Requests in flight the arrivals need (Little's law), with headroom; 0 before any answer. */
  get needed(): number {
    const distanceMs = this.#distanceMs;
    if (distanceMs === undefined) return 0;
    const now = this.#now();
    const arrived = this.#arrived.before(now) + this.#arrived.current(now);
    // As if the bucket before was a full one (none before the first: a first batch is not a rate).
    const perMs = arrived / (RATE_BUCKET_MS + this.#arrived.elapsed(now));
    return Math.ceil(HEADROOM * perMs * distanceMs);
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
    if (busy < IDLE_SHARE) {
      const grown = Math.min(this.#max, this.#current + Math.ceil(this.#current / 2), this.needed);
      if (grown > this.#current) this.#current = grown;
    }
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
