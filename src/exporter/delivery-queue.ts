/**
 * The sender's bounded in-memory queue between accepted spans and the
 * network. Holds at most `maxQueueSize` spans (waiting plus being sent; a
 * request counts for the spans it carries, so the bound means the same
 * memory whether each request is one event or one OTLP batch), sends with up
 * to `concurrency` requests in parallel (more, up to `maxConcurrency`, while
 * they wait for a far backend: `ConcurrencyLimit`), and reports each request's result
 * when its send resolves. With `concurrency` 1 it is also the sync mode's
 * strictly ordered sender.
 *
 * Log records wait in a line of their own (`enqueue(requests, "logs")`),
 * bounded by `maxLogQueueSize` apart from the spans, and only ever take a
 * free slot when no span request waits, and never the last slots
 * (`logSlotsOf`): a log storm neither fills the spans' budget nor keeps a
 * span from being sent at once. For log requests `spanCount` is the number
 * of records they carry.
 */
import type { OutgoingRequest, SendResult, Transport } from "../transport/types.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";

export type QueueLine = "spans" | "logs";

export interface DeliveryQueueOptions {
  transport: Transport;
  maxQueueSize: number;
  /** Parallel requests to start with. */
  concurrency: number;
  /** The most parallel requests it grows to while requests wait for the network (default: `concurrency`). */
  maxConcurrency?: number;
  /** @internal the limit itself (tests give one with their own clock). */
  limit?: ConcurrencyLimit;
  /** Log records held at most (default 0: no log line). */
  maxLogQueueSize?: number;
  /** Every settled send: the request, how it ended, and which line it came from. */
  onSettled: (request: OutgoingRequest, result: SendResult, line: QueueLine) => void;
}

/**
 * Parallel sends log requests may use: all but a quarter of the slots (at
 * least one kept for spans), so spans always find one free. With a single
 * slot (sync mode) it is shared: a span waits for at most one log request.
 */
export function logSlotsOf(concurrency: number): number {
  return concurrency <= 1 ? 1 : concurrency - Math.max(1, Math.floor(concurrency / 4));
}

/** One line of waiting requests, bounded by what they carry. */
class WaitingLine {
  // Array + head index: O(1) dequeue without Array#shift's copying on long queues.
  #waiting: (OutgoingRequest | undefined)[] = [];
  #head = 0;
  /** Items (spans or records) in the waiting and sending requests of this line. */
  held = 0;
  sending = 0;

  constructor(readonly max: number) {}

  get waitingCount(): number {
    return this.#waiting.length - this.#head;
  }

  /** Accepts requests in order while they fit; from the first that does not, the rest are refused (returned as items). */
  add(requests: readonly OutgoingRequest[]): number {
    let refused = 0;
    for (const request of requests) {
      if (refused === 0 && this.held + request.spanCount <= this.max) {
        this.#waiting.push(request);
        this.held += request.spanCount;
      } else {
        refused += request.spanCount;
      }
    }
    return refused;
  }

  take(): OutgoingRequest | undefined {
    if (this.#head >= this.#waiting.length) return undefined;
    const request = this.#waiting[this.#head]!;
    this.#waiting[this.#head] = undefined;
    this.#head += 1;
    this.#compact();
    return request;
  }

  /** Gives up on everything still waiting; returns how many items they carried. */
  abandon(): number {
    const abandoned = this.#waiting.slice(this.#head) as OutgoingRequest[];
    this.#waiting = [];
    this.#head = 0;
    let items = 0;
    for (const request of abandoned) items += request.spanCount;
    this.held -= items;
    return items;
  }

  #compact(): void {
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      // Drop the consumed prefix now and then, so a queue that never empties does not grow.
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * A request on its way: its line, when it went out (the limit's clock: how long it took says how far the
 * backend is), and where it sits in the list.
 */
interface Sending {
  readonly request: OutgoingRequest;
  readonly line: QueueLine;
  readonly sentAt: number;
  /** Its place in `#sending`. */
  at: number;
}

export class DeliveryQueue {
  readonly #options: DeliveryQueueOptions;
  readonly #spans: WaitingLine;
  readonly #logs: WaitingLine;
  readonly #limit: ConcurrencyLimit;
  /**
   * Each request on its way, in no order (one leaving takes the last one's place). An array rather than a Map
   * keyed by request: a long-lived hash table with one add and one delete a request kept every request's
   * objects alive past the young generation's collections (bench FINDINGS, 2026-12-07 evening).
   */
  readonly #sending: Sending[] = [];
  #idleWaiters: (() => void)[] = [];

  constructor(options: DeliveryQueueOptions) {
    this.#options = options;
    this.#spans = new WaitingLine(options.maxQueueSize);
    this.#logs = new WaitingLine(options.maxLogQueueSize ?? 0);
    this.#limit = options.limit ?? new ConcurrencyLimit({ start: options.concurrency, max: options.maxConcurrency ?? options.concurrency });
  }

  /** Requests it sends in parallel now. */
  get concurrency(): number {
    return this.#limit.current;
  }

  /** Span requests waiting for a free slot. */
  get waitingCount(): number {
    return this.#spans.waitingCount;
  }

  /** Requests being sent, of both lines. */
  get sendingCount(): number {
    return this.#sending.length;
  }

  /** Spans held, waiting plus being sent: what `maxQueueSize` bounds. */
  get size(): number {
    return this.#spans.held;
  }

  /** Log records held, waiting plus being sent: what `maxLogQueueSize` bounds. */
  get logSize(): number {
    return this.#logs.held;
  }

  /** Room left for spans. */
  get room(): number {
    return Math.max(0, this.#spans.max - this.#spans.held);
  }

  /** Room left for log records. */
  get logRoom(): number {
    return Math.max(0, this.#logs.max - this.#logs.held);
  }

  /**
   * Accepts requests in order while what they carry fits its line's bound.
   * From the first that does not fit, the rest are refused; returns the
   * number of refused spans (or records).
   */
  enqueue(requests: readonly OutgoingRequest[], line: QueueLine = "spans"): number {
    const refused = (line === "spans" ? this.#spans : this.#logs).add(requests);
    this.#limit.arrived(requests.length);
    this.#pump();
    return refused;
  }

  /** Resolves once nothing waits and nothing is being sent, in either line. */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Gives up on every span request still waiting (a deadline passed); returns how many spans they carried. */
  abandonWaiting(): number {
    const spans = this.#spans.abandon();
    this.#notifyIfIdle();
    return spans;
  }

  /** The same for log requests; returns how many records they carried. */
  abandonWaitingLogs(): number {
    const records = this.#logs.abandon();
    this.#notifyIfIdle();
    return records;
  }

  #pump(): void {
    for (;;) {
      if (this.#sending.length >= this.#limit.current) {
        if (this.#spans.waitingCount === 0 && this.#logs.waitingCount === 0) return;
        // Requests wait with every slot taken: the limit may grow (for a far backend), and those slots are used at once.
        this.#limit.starved(this.#sending.length);
        if (this.#sending.length >= this.#limit.current) return;
      }
      const next = this.#next();
      if (!next) {
        this.#limit.fed(this.#sending.length);
        return;
      }
      const [request, line] = next;
      const sending: Sending = { request, line, sentAt: this.#limit.now(), at: this.#sending.length };
      this.#sending.push(sending);
      (line === "spans" ? this.#spans : this.#logs).sending += 1;
      this.#options.transport.send(request).then(
        (result) => this.#settle(sending, result),
        // Transports never reject by contract; a broken one still must not strand a request.
        (error: unknown) => this.#settle(sending, { kind: "failure", message: String(error) }),
      );
    }
  }

  /** A span request first, whenever one waits; a log request only within the log slots. */
  #next(): [OutgoingRequest, QueueLine] | undefined {
    const span = this.#spans.take();
    if (span) return [span, "spans"];
    if (this.#logs.sending >= logSlotsOf(this.#limit.current)) return undefined;
    const log = this.#logs.take();
    return log ? [log, "logs"] : undefined;
  }

  /** Called once for each request sent: its send settles once, by contract or by rejection. */
  #settle(sending: Sending, result: SendResult): void {
    const last = this.#sending.pop()!;
    if (last !== sending) {
      this.#sending[sending.at] = last;
      last.at = sending.at;
    }
    const { request, line, sentAt } = sending;
    this.#limit.settled(sentAt, result.kind === "success");
    const waitingLine = line === "spans" ? this.#spans : this.#logs;
    waitingLine.sending -= 1;
    waitingLine.held -= request.spanCount;
    try {
      this.#options.onSettled(request, result, line);
    } finally {
      this.#pump();
      this.#notifyIfIdle();
    }
  }

  #isIdle(): boolean {
    return this.#spans.waitingCount === 0 && this.#logs.waitingCount === 0 && this.#sending.length === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
