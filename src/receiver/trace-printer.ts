/**
 * What `axonpush-otel dev` shows: a line per arriving span or log record,
 * then the whole trace as a tree once it looks complete, each record under
 * the span it was written in. Spans of one trace can arrive in
 * any order (the exporter sends several requests at once), so a tree is
 * printed a moment after the root span arrives, or after a quiet period for
 * traces whose root never comes (e.g. a parent owned by another service).
 */
import { formatLogLine, formatSpanLine, formatTraceTree } from "./format.js";
import type { ReceivedLog, ReceivedSpan } from "./types.js";

export interface TracePrinterOptions {
  write: (text: string) => void;
  /** Wait after the root span arrives, for its late children. */
  settleMs?: number;
  /** Wait after the last span of a trace without a root. */
  quietMs?: number;
  /** Traces remembered for re-printing when late spans arrive. */
  maxTraces?: number;
}

interface PendingTrace {
  spans: ReceivedSpan[];
  logs: ReceivedLog[];
  rootSeen: boolean;
  timer?: NodeJS.Timeout;
}

export class TracePrinter {
  private readonly traces = new Map<string, PendingTrace>();
  private readonly settleMs: number;
  private readonly quietMs: number;
  private readonly maxTraces: number;

  constructor(private readonly options: TracePrinterOptions) {
    this.settleMs = options.settleMs ?? 300;
    this.quietMs = options.quietMs ?? 2_000;
    this.maxTraces = options.maxTraces ?? 1_000;
  }

  add(span: ReceivedSpan): void {
    this.options.write(formatSpanLine(span));
    const trace = this.traceFor(span.traceId);
    trace.spans.push(span);
    if (span.parentSpanId === undefined) trace.rootSeen = true;
    this.schedule(trace);
  }

  /**
   * A log record: its line now; in its trace's tree when that is printed
   * (again, if it was already: a record may arrive after its spans).
   * A record outside any span has only its line.
   */
  addLog(log: ReceivedLog): void {
    this.options.write(formatLogLine(log));
    if (log.traceId === undefined) return;
    const trace = this.traceFor(log.traceId);
    trace.logs.push(log);
    if (trace.spans.length > 0) this.schedule(trace);
  }

  /** Prints every tree still waiting (on shutdown). */
  flush(): void {
    for (const trace of this.traces.values()) {
      if (trace.timer) this.printTree(trace);
    }
  }

  private traceFor(traceId: string): PendingTrace {
    let trace = this.traces.get(traceId);
    if (!trace) {
      trace = { spans: [], logs: [], rootSeen: false };
      this.traces.set(traceId, trace);
      this.forgetOldest();
    }
    return trace;
  }

  private forgetOldest(): void {
    while (this.traces.size > this.maxTraces) {
      const [oldestId, oldest] = this.traces.entries().next().value as [string, PendingTrace];
      if (oldest.timer) this.printTree(oldest);
      this.traces.delete(oldestId);
    }
  }

  private schedule(trace: PendingTrace): void {
    if (trace.timer) clearTimeout(trace.timer);
    trace.timer = setTimeout(() => this.printTree(trace), trace.rootSeen ? this.settleMs : this.quietMs);
    trace.timer.unref(); // the receiver's server keeps `dev` alive, never this timer
  }

  private printTree(trace: PendingTrace): void {
    if (trace.timer) clearTimeout(trace.timer);
    trace.timer = undefined;
    if (trace.spans.length === 0) return;
    this.options.write(`\n${formatTraceTree(trace.spans, trace.logs)}\n`);
  }
}
