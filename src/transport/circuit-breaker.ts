/**
 * Fails fast while the backend cannot be reached at all.
 *
 * Every event retries on its own, so when nothing answers (connection
 * refused, reset, timed out), a 512-span batch would hold the queue for
 * minutes: 512 events × a few seconds of backoff, `concurrency` at a time.
 * The BatchSpanProcessor gives up on the batch after 30 s, but
 * `provider.shutdown()` and `forceFlush()` wait for it all that time.
 *
 * After `threshold` events in a row have given up on connection-level
 * failures, the breaker opens for `cooldownMs`: sends fail at once (their
 * spans count as undelivered, reported by the exporter's usual rate-limited
 * warning). The first send after the cool-down is a probe; one success closes
 * the breaker. Answers from the server (any status, 429 and 5xx included)
 * never open it: a server that answers gets the normal retries and `Retry-After`.
 */
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

export interface CircuitBreakerOptions {
  /** Consecutive unreachable results that open the breaker. */
  threshold: number;
  /** How long the breaker stays open before one probe is let through. */
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreakerTransport implements Transport {
  readonly #inner: Transport;
  readonly #options: CircuitBreakerOptions;
  #consecutiveUnreachable = 0;
  #openUntil = 0;
  #probing = false;

  constructor(inner: Transport, options: CircuitBreakerOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  get isOpen(): boolean {
    return this.#now() < this.#openUntil;
  }

  async send(request: OutgoingRequest): Promise<SendResult> {
    const open = this.isOpen || (this.#openUntil > 0 && this.#probing);
    if (open) {
      return { kind: "failure", message: "AxonPush unreachable: not sending while the connection keeps failing" };
    }
    const probe = this.#openUntil > 0;
    if (probe) this.#probing = true;
    const result = await this.#inner.send(request);
    this.#record(result);
    if (probe) this.#probing = false;
    return result;
  }

  close(): void {
    this.#inner.close();
  }

  #record(result: SendResult): void {
    if (isUnreachable(result)) {
      this.#consecutiveUnreachable += 1;
      if (this.#consecutiveUnreachable >= this.#options.threshold || this.#openUntil > 0) {
        this.#openUntil = this.#now() + this.#options.cooldownMs;
      }
      return;
    }
    this.#consecutiveUnreachable = 0;
    this.#openUntil = 0;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** No HTTP answer at all: the request never reached a server that could reply. */
function isUnreachable(result: SendResult): boolean {
  return result.kind === "retryable" && result.status === undefined;
}
