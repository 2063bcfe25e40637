/**
 * Everything the receiver accepted, plus the idempotency cache and the
 * `waitForSpans` waiters. Routes add to it; tests read it.
 */
import { formatSpanLine } from "./format.js";
import type { LocalReceiverOptions, ReceivedEvent, ReceivedSpan, Rejection } from "./types.js";

export interface CachedAnswer {
  status: number;
  body: Record<string, unknown>;
}

type SpanPredicate = (spans: ReceivedSpan[]) => boolean;

interface Waiter {
  satisfied: SpanPredicate;
  resolve: (spans: ReceivedSpan[]) => void;
}

export class ReceiverStore {
  readonly events: ReceivedEvent[] = [];
  readonly rejections: Rejection[] = [];
  private readonly spanList: ReceivedSpan[] = [];
  private readonly answers = new Map<string, CachedAnswer>();
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly listeners: Pick<LocalReceiverOptions, "onSpan" | "onRejection"> = {}) {}

  spans(): ReceivedSpan[] {
    return [...this.spanList];
  }

  cachedAnswer(idempotencyKey: string | undefined): CachedAnswer | undefined {
    return idempotencyKey === undefined ? undefined : this.answers.get(idempotencyKey);
  }

  /** Stores one accepted request and the spans it carried. */
  accept(event: ReceivedEvent, spans: ReceivedSpan[], answer: CachedAnswer): void {
    this.events.push(event);
    if (event.idempotencyKey !== undefined) this.answers.set(event.idempotencyKey, answer);
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
    this.answers.clear();
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
