/**
 * The bounded in-memory queue between `export()` and the network. Holds at
 * most `maxQueueSize` spans (waiting plus being sent; a request counts for
 * the spans it carries, so the bound means the same memory whether each
 * request is one event or one OTLP batch), sends with up to `concurrency`
 * requests in parallel, and settles a request's spans in their batch when
 * its send resolves. With `concurrency` 1 it is also the sync mode's
 * strictly ordered sender.
 */
import type { OutgoingRequest, SendResult, Transport } from "../transport/types.js";
import type { BatchSettlement } from "./batch-settlement.js";

interface Entry {
  readonly request: OutgoingRequest;
  readonly batch: BatchSettlement;
}

export interface DeliveryQueueOptions {
  transport: Transport;
  maxQueueSize: number;
  concurrency: number;
  /** Every settled send, for diagnostics. */
  onResult?: (request: OutgoingRequest, result: SendResult) => void;
}

export class DeliveryQueue {
  readonly #options: DeliveryQueueOptions;
  // Array + head index: O(1) dequeue without Array#shift's copying on long queues.
  #waiting: (Entry | undefined)[] = [];
  #head = 0;
  readonly #sending = new Set<Entry>();
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
   * Accepts requests in order while their spans fit. From the first that does
   * not fit, the rest are refused: their batch is told their spans failed, and
   * the number of refused spans is returned for the drop count.
   */
  enqueue(requests: readonly OutgoingRequest[], batch: BatchSettlement): number {
    let refused = 0;
    for (const request of requests) {
      if (refused === 0 && this.#heldSpans + request.spanCount <= this.#options.maxQueueSize) {
        this.#waiting.push({ request, batch });
        this.#heldSpans += request.spanCount;
      } else {
        refused += request.spanCount;
      }
    }
    if (refused > 0) batch.failed(refused);
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
    const out: OutgoingRequest[] = [];
    for (const entry of this.#sending) out.push(entry.request);
    for (let i = this.#head; i < this.#waiting.length; i++) out.push(this.#waiting[i]!.request);
    return out;
  }

  /** Gives up on everything still waiting (shutdown past its deadline): their batches fail now. */
  abandonWaiting(): void {
    const abandoned = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const entry of abandoned) {
      if (!entry) continue;
      this.#heldSpans -= entry.request.spanCount;
      entry.batch.failed(entry.request.spanCount);
    }
    this.#notifyIfIdle();
  }

  #pump(): void {
    while (this.#sending.size < this.#options.concurrency && this.#head < this.#waiting.length) {
      const entry = this.#waiting[this.#head]!;
      this.#waiting[this.#head] = undefined;
      this.#head += 1;
      this.#sending.add(entry);
      this.#options.transport.send(entry.request).then(
        (result) => this.#settle(entry, result),
        // Transports never reject by contract; a broken one still must not strand a batch.
        (error: unknown) => this.#settle(entry, { kind: "failure", message: String(error) }),
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

  #settle(entry: Entry, result: SendResult): void {
    if (!this.#sending.delete(entry)) return;
    this.#heldSpans -= entry.request.spanCount;
    if (result.kind === "success") entry.batch.delivered(entry.request.spanCount);
    else entry.batch.failed(entry.request.spanCount);
    try {
      this.#options.onResult?.(entry.request, result);
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
