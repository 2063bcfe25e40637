/**
 * The sender's bounded in-memory queue between accepted spans and the
 * network. Holds at most `maxQueueSize` spans (waiting plus being sent; a
 * request counts for the spans it carries, so the bound means the same
 * memory whether each request is one event or one OTLP batch), sends with up
 * to `concurrency` requests in parallel, and reports each request's result
 * when its send resolves. With `concurrency` 1 it is also the sync mode's
 * strictly ordered sender.
 */
import type { OutgoingRequest, SendResult, Transport } from "../transport/types.js";

export interface DeliveryQueueOptions {
  transport: Transport;
  maxQueueSize: number;
  concurrency: number;
  /** Every settled send: the request and how it ended. */
  onSettled: (request: OutgoingRequest, result: SendResult) => void;
}

export class DeliveryQueue {
  readonly #options: DeliveryQueueOptions;
  // Array + head index: O(1) dequeue without Array#shift's copying on long queues.
  #waiting: (OutgoingRequest | undefined)[] = [];
  #head = 0;
  readonly #sending = new Set<OutgoingRequest>();
  /** Spans in the waiting and sending requests. */
  #heldSpans = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions) {
    this.#options = options;
  }

  /** Requests waiting for a free slot. */
  get waitingCount(): number {
    return this.#waiting.length - this.#head;
  }

  get sendingCount(): number {
    return this.#sending.size;
  }

  /** Spans held, waiting plus being sent: what `maxQueueSize` bounds. */
  get size(): number {
    return this.#heldSpans;
  }

  /**
   * Accepts requests in order while their spans fit. From the first that
   * does not fit, the rest are refused; returns the number of refused spans.
   */
  enqueue(requests: readonly OutgoingRequest[]): number {
    let refused = 0;
    for (const request of requests) {
      if (refused === 0 && this.#heldSpans + request.spanCount <= this.#options.maxQueueSize) {
        this.#waiting.push(request);
        this.#heldSpans += request.spanCount;
      } else {
        refused += request.spanCount;
      }
    }
    this.#pump();
    return refused;
  }

  /** Resolves once nothing waits and nothing is being sent. */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Every accepted request not yet settled, oldest first. */
  pending(): OutgoingRequest[] {
    const out: OutgoingRequest[] = [...this.#sending];
    for (let i = this.#head; i < this.#waiting.length; i++) out.push(this.#waiting[i]!);
    return out;
  }

  /** Gives up on everything still waiting (a deadline passed); returns how many spans they carried. */
  abandonWaiting(): number {
    const abandoned = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    let spans = 0;
    for (const request of abandoned) if (request) spans += request.spanCount;
    this.#heldSpans -= spans;
    this.#notifyIfIdle();
    return spans;
  }

  #pump(): void {
    while (this.#sending.size < this.#options.concurrency && this.#head < this.#waiting.length) {
      const request = this.#waiting[this.#head]!;
      this.#waiting[this.#head] = undefined;
      this.#head += 1;
      this.#sending.add(request);
      this.#options.transport.send(request).then(
        (result) => this.#settle(request, result),
        // Transports never reject by contract; a broken one still must not strand a request.
        (error: unknown) => this.#settle(request, { kind: "failure", message: String(error) }),
      );
    }
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      // Drop the consumed prefix now and then, so a queue that never empties does not grow.
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  #settle(request: OutgoingRequest, result: SendResult): void {
    if (!this.#sending.delete(request)) return;
    this.#heldSpans -= request.spanCount;
    try {
      this.#options.onSettled(request, result);
    } finally {
      this.#pump();
      this.#notifyIfIdle();
    }
  }

  #isIdle(): boolean {
    return this.waitingCount === 0 && this.sendingCount === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
