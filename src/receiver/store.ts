/**
 * Everything the receiver accepted, plus what it needs to recognise a
 * request again (Idempotency-Key for nest, dedupKey for go) and the
 * `waitForSpans` / `waitForLogs` waiters. Routes add to it; tests read it.
 */
import { Arrivals } from "./arrivals.js";
import { DedupKeys, IdempotencyKeys } from "./duplicates.js";
import { formatLogLine, formatSpanLine } from "./format.js";
import type { LocalReceiverOptions, ReceivedEvent, ReceivedLog, ReceivedSpan, Rejection } from "./types.js";

export class ReceiverStore {
  readonly events: ReceivedEvent[] = [];
  readonly rejections: Rejection[] = [];
  readonly idempotencyKeys = new IdempotencyKeys();
  readonly dedupKeys = new DedupKeys();
  private readonly spanArrivals: Arrivals<ReceivedSpan>;
  private readonly logArrivals: Arrivals<ReceivedLog>;

  constructor(private readonly listeners: Pick<LocalReceiverOptions, "onSpan" | "onLog" | "onRejection"> = {}) {
    const context = () => this.rejectionLines();
    this.spanArrivals = new Arrivals({ noun: "span(s)", waitName: "waitForSpans", describe: formatSpanLine, context });
    this.logArrivals = new Arrivals({ noun: "log record(s)", waitName: "waitForLogs", describe: formatLogLine, context });
  }

  spans(): ReceivedSpan[] {
    return this.spanArrivals.list();
  }

  logs(): ReceivedLog[] {
    return this.logArrivals.list();
  }

  /** Stores one accepted request and the spans and log records it carried. */
  accept(event: ReceivedEvent, spans: ReceivedSpan[], logs: ReceivedLog[] = []): void {
    this.events.push(event);
    this.spanArrivals.add(spans);
    this.logArrivals.add(logs);
    for (const span of spans) this.tell(() => this.listeners.onSpan?.(span, event));
    for (const log of logs) this.tell(() => this.listeners.onLog?.(log, event));
  }

  reject(rejection: Rejection): void {
    this.rejections.push(rejection);
    // Same as onSpan: listeners never change what the client is answered.
    this.tell(() => this.listeners.onRejection?.(rejection));
  }

  clear(): void {
    this.events.length = 0;
    this.rejections.length = 0;
    this.spanArrivals.clear();
    this.logArrivals.clear();
    this.idempotencyKeys.clear();
    this.dedupKeys.clear();
  }

  waitForSpans(countOrPredicate: number | ((spans: ReceivedSpan[]) => boolean), timeoutMs = 10_000): Promise<ReceivedSpan[]> {
    return this.spanArrivals.waitFor(countOrPredicate, timeoutMs);
  }

  waitForLogs(countOrPredicate: number | ((logs: ReceivedLog[]) => boolean), timeoutMs = 10_000): Promise<ReceivedLog[]> {
    return this.logArrivals.waitFor(countOrPredicate, timeoutMs);
  }

  private tell(listener: () => void): void {
    try {
      listener();
    } catch {
      // A faulty listener must not turn an accepted request into a failed one.
    }
  }

  private rejectionLines(): string[] {
    if (this.rejections.length === 0) return [];
    return [`and ${this.rejections.length} rejected request(s), latest:`, ...this.rejections.slice(-5).map((r) => `  ${r.status} ${r.message}`)];
  }
}
