/**
 * How an AxonPushLogRecordProcessor reaches the sender of the span exporter
 * it is given: each exporter registers a sink for log records at
 * construction, found again by the exporter object. Not methods of the
 * exporter: its public type stays what it was, and the package's
 * declarations carry none of the sender's record types. On `globalThis`, so
 * a processor from one build (ESM or CommonJS) finds an exporter of the other.
 */
import type { LogBatch } from "../sender/log-records.js";
import type { LossCause } from "../sender/losses.js";

export interface LogSink {
  handOverLogs(batch: LogBatch): void;
  countLogLoss(cause: LossCause, count: number): void;
  /** AXONPUSH_LOG_QUEUE_SIZE, the exporter option `maxLogQueueSize`. */
  readonly logQueueSize: number;
  /** `hook` runs before every flush and exit drain of the sender (a log buffer hands over); returns its removal. */
  onHandOverBuffered(hook: () => void): () => void;
  /** Resolves once everything handed over so far has settled. */
  forceFlush(): Promise<void>;
}

const SINKS_KEY = Symbol.for("axonpush-otel.log-sinks");
type GlobalWithSinks = typeof globalThis & { [SINKS_KEY]?: WeakMap<object, LogSink> };

function sinks(): WeakMap<object, LogSink> {
  const g = globalThis as GlobalWithSinks;
  return (g[SINKS_KEY] ??= new WeakMap());
}

export function registerLogSink(exporter: object, sink: LogSink): void {
  sinks().set(exporter, sink);
}

export function logSinkOf(exporter: object): LogSink | undefined {
  return sinks().get(exporter);
}
