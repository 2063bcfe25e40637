/**
 * Retries around any transport: the same request object, hence the same
 * `Idempotency-Key` and the same body (with its `dedupKey`), on every try, so
 * the server stores an event once however many tries it took. Gives up after `maxRetries` retries or when the next
 * wait would pass the request's overall deadline, and returns the last result.
 */
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from "./backoff.js";
import type { OutgoingRequest, SendResult, Transport } from "./types.js";

export interface RetryOptions {
  maxRetries: number;
  /** All tries and waits of one request together, measured from its first try. */
  deadlineMs: number;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export class RetryingTransport implements Transport {
  readonly #inner: Transport;
  readonly #options: RetryOptions;
  /** Wake-ups of requests waiting to retry, so close() can end the waits at once. */
  readonly #sleepers = new Set<() => void>();
  #closed = false;

  constructor(inner: Transport, options: RetryOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  async send(request: OutgoingRequest): Promise<SendResult> {
    const { maxRetries, deadlineMs, backoff = DEFAULT_BACKOFF, random = Math.random } = this.#options;
    const deadline = Date.now() + deadlineMs;
    let result = await this.#inner.send(request);
    for (let retry = 0; result.kind === "retryable" && retry < maxRetries; retry++) {
      const delay = retryDelayMs(retry, result.retryAfterMs, backoff, random);
      if (Date.now() + delay >= deadline) break;
      const awake = await this.#sleep(delay);
      if (!awake) return { kind: "failure", status: result.status, message: `transport closed while waiting to retry (${result.message})` };
      result = await this.#inner.send(request);
    }
    return result;
  }

  close(): void {
    this.#closed = true;
    for (const wake of [...this.#sleepers]) wake();
    this.#inner.close();
  }

  /** Resolves true after `ms`, or false at once if the transport is (or gets) closed. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleepers.delete(wake);
        resolve(true);
      }, ms);
      // A pending retry must not keep the host process alive; the exit path resends it instead.
      timer.unref();
      this.#sleepers.add(wake);
    });
  }
}
