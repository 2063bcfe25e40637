/**
 * Remembers every sampled span that has ended but has not yet been handed to
 * the AxonPush exporter, so the exit path can still reach it.
 *
 * Why a processor of our own: the BatchSpanProcessor keeps ended spans in a
 * private buffer until its timer fires, and at start-up it even holds them
 * back while the host and process detectors resolve the resource's
 * asynchronous attributes. A `process.exit()` in that window would lose them,
 * and reaching into the batch processor's private fields is not an option.
 * This processor sits beside the batch one (same spans, same order), and the
 * exporter handed to the batch processor is wrapped by `observe()` so every
 * span the exporter receives leaves the pending set at that moment.
 *
 * Bounded: past `maxSpans` the oldest entries are forgotten first. Those are
 * the ones most likely to be stale (spans the batch processor itself dropped
 * when its queue was full are never handed off).
 */
import { TraceFlags, type Context } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { logger } from "../diag.js";

/** The batch processor's default queue size: the most it can hold back at once. */
export const DEFAULT_MAX_PENDING_SPANS = 2048;

export interface PendingSpanProcessorOptions {
  /** Most spans remembered at once; default 2048 (the batch processor's default queue). */
  maxSpans?: number;
}

export class PendingSpanProcessor implements SpanProcessor {
  readonly maxSpans: number;
  // Ended spans in onEnd order, oldest at `head`; a handed-off span leaves a
  // hole (undefined). An array rather than a Set: the batch processor hands
  // spans off in the order they ended, so the usual hand-off is found at the
  // search cursor without hashing, and under load a Set of every span in
  // flight doubled the cost of each young-generation GC (measured: bench/).
  private queue: (ReadableSpan | undefined)[] = [];
  private head = 0;
  // Where the next hand-off is expected: just after the previous one.
  private cursor = 0;
  private pendingCount = 0;
  // Spans handed off before our own onEnd saw them: a batch processor placed
  // *before* this one can export synchronously inside its onEnd (full batch);
  // this keeps such a span from being remembered afterwards. Only spans that
  // were not pending go here (a pending span has had its one onEnd already).
  private readonly handedOff = new WeakSet<ReadableSpan>();
  private evictedCount = 0;
  private trackedCount = 0;

  constructor(options: PendingSpanProcessorOptions = {}) {
    const max = options.maxSpans;
    this.maxSpans = max !== undefined && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_PENDING_SPANS;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    // The batch processor skips unsampled spans, so they are never pending.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.handedOff.has(span)) return;
    if (this.pendingCount >= this.maxSpans) this.evictOldest();
    this.queue.push(span);
    this.pendingCount++;
    this.trackedCount++;
  }

  /** Called with every batch the exporter receives: those spans are its business now. */
  markHandedOff(spans: readonly ReadableSpan[]): void {
    for (const span of spans) {
      if (!this.forget(span)) this.handedOff.add(span);
    }
    this.compact();
  }

  /**
   * The batch processor beside us (after us in the provider's list) has just
   * dropped the span that ended last, its queue being full: that span will
   * never be exported, and it was counted as lost, so the exit path must not
   * send it late either.
   */
  forgetLatest(): void {
    if (this.queue.length <= this.head || this.queue[this.queue.length - 1] === undefined) return;
    this.queue.pop();
    this.pendingCount--;
    this.compact();
  }

  /** How many ended spans the exporter has not received yet. */
  get size(): number {
    return this.pendingCount;
  }

  /** Every span ever remembered: tells whether new spans ended since some earlier moment. */
  get tracked(): number {
    return this.trackedCount;
  }

  /** Spans evicted because the bound was reached (they may still be exported normally). */
  get evicted(): number {
    return this.evictedCount;
  }

  /** The spans still waiting, oldest first; they stay pending (the exit path only reads). */
  pendingSpans(): ReadableSpan[] {
    const out: ReadableSpan[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const span = this.queue[i];
      if (span) out.push(span);
    }
    return out;
  }

  /**
   * Wraps the exporter given to the batch processor so hand-offs are seen as
   * they happen. Everything else passes straight through.
   */
  observe(exporter: SpanExporter): SpanExporter {
    return new HandoffObservingExporter(exporter, this);
  }

  forceFlush(): Promise<void> {
    // Nothing to flush: the batch processor beside us does the exporting.
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    // Keep what is pending: the batch processor's own shutdown exports it,
    // and until then an exit must still be able to reach it.
    return Promise.resolve();
  }

  /** Removes one pending span; false if it was not pending. Searches from the cursor, then from the oldest. */
  private forget(span: ReadableSpan): boolean {
    let at = this.queue.indexOf(span, Math.max(this.cursor, this.head));
    if (at < 0) at = this.queue.indexOf(span, this.head);
    if (at < 0) return false;
    this.queue[at] = undefined;
    this.pendingCount--;
    this.cursor = at + 1;
    return true;
  }

  /** Drops the holes at the front, and now and then the consumed prefix of the array. */
  private compact(): void {
    while (this.head < this.queue.length && this.queue[this.head] === undefined) this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.cursor = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.cursor = Math.max(0, this.cursor - this.head);
      this.head = 0;
    } else if (this.queue.length - this.head > 2 * this.pendingCount + 1024) {
      // Holes behind a span that never leaves (one the batch processor dropped): squeeze them out.
      this.queue = this.pendingSpans();
      this.head = 0;
      this.cursor = 0;
    }
  }

  private evictOldest(): void {
    while (this.head < this.queue.length && this.queue[this.head] === undefined) this.head++;
    if (this.head >= this.queue.length) return;
    this.queue[this.head++] = undefined;
    this.pendingCount--;
    if (this.evictedCount++ === 0) {
      logger.debug(`exit: more than ${this.maxSpans} spans waiting for export; forgetting the oldest for the exit path`);
    }
    this.compact();
  }
}

class HandoffObservingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly pending: PendingSpanProcessor,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    // Before the inner export: once it starts, the exporter's own queue
    // (pendingRequests) is where the exit path finds these spans.
    this.pending.markHandedOff(spans);
    this.inner.export(spans, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
