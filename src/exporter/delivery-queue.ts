/**
 * The bounded in-memory queue between `export()` and the network. Holds at
 * most `maxQueueSize` events (waiting plus being sent), sends with up to
 * `concurrency` requests in parallel, and settles each event's batch when
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
  #idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions) {
    this.#options = options;
  }

  /** Events waiting for a free slot. */
  get waitingCount(): number {
    return this.#waiting.length - this.#head;
  }

  get sendingCount(): number {
    return this.#sending.size;
  }

  /** Waiting plus being sent: what `maxQueueSize` bounds. */
  get size(): number {
    return this.waitingCount + this.sendingCount;
  }

  /**
   * Accepts as many requests as fit, in order. The rest are refused: their
   * batch is told they failed, and their number is returned for the drop count.
   */
  enqueue(requests: readonly OutgoingRequest[], batch: BatchSettlement): number {
    const room = Math.max(0, this.#options.maxQueueSize - this.size);
    const accepted = Math.min(room, requests.length);
    for (let i = 0; i < accepted; i++) this.#waiting.push({ request: requests[i]!, batch });
    const refused = requests.length - accepted;
    if (refused > 0) batch.failed(refused);
    this.#pump();
    return refused;
  }

  /** Resolves once nothing waits and nothing is being sent. */
  whenIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
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
    for (const entry of abandoned) entry?.batch.failed(1);
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
    if (result.kind === "success") entry.batch.delivered(1);
    else entry.batch.failed(1);
    try {
      this.#options.onResult?.(entry.request, result);
    } finally {
      this.#pump();
      this.#notifyIfIdle();
    }
  }

  #notifyIfIdle(): void {
    if (this.size !== 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
