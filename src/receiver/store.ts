/**
 * Everything the receiver accepted, plus what it needs to recognise a
 * request again (Idempotency-Key for nest, dedupKey for go) and the
 * `waitForSpans` waiters. Routes add to it; tests read it.
 */
import { DedupKeys, IdempotencyKeys } from "./duplicates.js";
import { formatSpanLine } from "./format.js";
import type { LocalReceiverOptions, ReceivedEvent, ReceivedSpan, Rejection } from "./types.js";

type SpanPredicate = (spans: ReceivedSpan[]) => boolean;

interface Waiter {
  satisfied: SpanPredicate;
  resolve: (spans: ReceivedSpan[]) => void;
}

export class ReceiverStore {
  readonly events: ReceivedEvent[] = [];
  readonly rejections: Rejection[] = [];
  private readonly spanList: ReceivedSpan[] = [];
  readonly idempotencyKeys = new IdempotencyKeys();
  readonly dedupKeys = new DedupKeys();
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly listeners: Pick<LocalReceiverOptions, "onSpan" | "onRejection"> = {}) {}

  spans(): ReceivedSpan[] {
    return [...this.spanList];
  }

  /** Stores one accepted request and the spans it carried. */
  accept(event: ReceivedEvent, spans: ReceivedSpan[]): void {
    this.events.push(event);
    for (const span of spans) {
      this.spanList.push(span);
      try {
        this.listeners.onSpan?.(span, event);
      } catch {
        // A faulty listener must not turn an accepted request into a failed one.
      }
    }
    if (spans.length > 0) this.notifyWaiters();
  }

  reject(rejection: Rejection): void {
    this.rejections.push(rejection);
    try {
      this.listeners.onRejection?.(rejection);
    } catch {
      // Same as onSpan: listeners never change what the client is answered.
    }
  }

  clear(): void {
    this.events.length = 0;
    this.rejections.length = 0;
    this.spanList.length = 0;
    this.idempotencyKeys.clear();
    this.dedupKeys.clear();
  }

  waitForSpans(countOrPredicate: number | SpanPredicate, timeoutMs = 10_000): Promise<ReceivedSpan[]> {
    const satisfied: SpanPredicate =
      typeof countOrPredicate === "number" ? (spans) => spans.length >= countOrPredicate : countOrPredicate;
    const wanted = typeof countOrPredicate === "number" ? `${countOrPredicate} span(s)` : "the predicate";
    try {
      if (satisfied(this.spans())) return Promise.resolve(this.spans());
    } catch (error) {
      return Promise.reject(error);
    }

    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        satisfied,
        resolve: (spans) => {
          clearTimeout(timer);
          resolve(spans);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.timeoutMessage(wanted, timeoutMs)));
      }, timeoutMs);
      // Waiting must never be what keeps a test process alive.
      timer.unref();
      this.waiters.add(waiter);
    });
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) {
      let done: boolean;
      try {
        done = waiter.satisfied(this.spans());
      } catch {
        done = false;
      }
      if (done) {
        this.waiters.delete(waiter);
        waiter.resolve(this.spans());
      }
    }
  }

  private timeoutMessage(wanted: string, timeoutMs: number): string {
    const lines = [`waitForSpans: timed out after ${timeoutMs} ms waiting for ${wanted}; have ${this.spanList.length} span(s)`];
    for (const span of this.spanList.slice(-20)) lines.push(`  ${formatSpanLine(span)}`);
    if (this.rejections.length > 0) {
      lines.push(`and ${this.rejections.length} rejected request(s), latest:`);
      for (const r of this.rejections.slice(-5)) lines.push(`  ${r.status} ${r.message}`);
    }
    return lines.join("\n");
  }
}
