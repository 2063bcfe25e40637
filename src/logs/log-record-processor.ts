/**
 * AxonPushLogRecordProcessor: the LoggerProvider's way to AxonPush. Every
 * record a logger emits (pino, winston and bunyan through their
 * instrumentations, console on request, a crash) is turned into a plain
 * record at once (log-records.ts: a few fields copied by reference, no JSON,
 * no HTTP) and kept until the end of the current turn of the event loop;
 * then the turn's records cross to the sender in one message, through the
 * span exporter they share a sender with (its log sink, log-sink.ts). A busy
 * turn hands over every `batchSize` records, so nothing here grows: past
 * that, the sender's own bound (AXONPUSH_LOG_QUEUE_SIZE) decides, and
 * counts what it cannot take.
 *
 * Whatever is still here is handed over before a flush and before the exit
 * drain (the exporter asks), and at the process's `exit` (a listener put
 * before every other, for exporters set up by hand). Nothing here throws
 * into a logger.
 */
import type { Context } from "@opentelemetry/api";
import { logger } from "../diag.js";
import type { AxonPushSpanExporter } from "../exporter/exporter.js";
import { logSinkOf, type LogSink } from "../exporter/log-sink.js";
import { LogRecordMaker, type EmittedLogRecord, type LogBatch, type LogRecordRecord } from "../sender/log-records.js";
import type { ResourceRecord } from "../sender/records.js";

/** Records per message at most: a few hundred kilobytes, like a span batch. */
export const LOG_HAND_OVER_BATCH = 512;

/**
 * A `LogRecordProcessor` of @opentelemetry/sdk-logs, by shape: its types are
 * not imported, so the package's declarations need no copy of the logs SDK's
 * (test/logs-lane.test.ts gives it to a LoggerProvider, which checks it).
 */
export class AxonPushLogRecordProcessor {
  readonly #sink: LogSink;
  readonly #maker = new LogRecordMaker();
  readonly #batchSize: number;
  #records: LogRecordRecord[] = [];
  #resources: ResourceRecord[] = [];
  #unreadable = 0;
  #scheduled: NodeJS.Immediate | undefined;
  #stopped = false;
  readonly #stopListening: (() => void)[] = [];

  /** `exporter`: the AxonPushSpanExporter whose sender (and connections) the records share. */
  constructor(exporter: AxonPushSpanExporter) {
    const sink = logSinkOf(exporter);
    if (!sink) throw new TypeError("AxonPushLogRecordProcessor needs an AxonPushSpanExporter: new AxonPushLogRecordProcessor(exporter)");
    this.#sink = sink;
    this.#batchSize = Math.max(1, Math.min(LOG_HAND_OVER_BATCH, sink.logQueueSize));
    this.#stopListening.push(sink.onHandOverBuffered(() => this.handOverNow()));
    const atExit = () => this.handOverNow();
    // First of all `exit` listeners: before any drain of the sender, ours or one set up by hand.
    process.prependListener("exit", atExit);
    this.#stopListening.push(() => process.removeListener("exit", atExit));
  }

  onEmit(record: EmittedLogRecord, _context?: Context): void {
    if (this.#stopped) {
      this.#sink.countLogLoss("shutdown", 1);
      return;
    }
    try {
      this.#records.push(this.#maker.toRecord(record, this.#resources));
    } catch {
      // Not a log record the SDK made: counted, never thrown into the logger.
      this.#unreadable += 1;
    }
    if (this.#records.length + this.#unreadable >= this.#batchSize) this.handOverNow();
    else this.#scheduled ??= setImmediate(() => this.handOverNow());
  }

  /** Hands what is buffered to the sender now (a crash record, the exit path, a flush). */
  handOverNow(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#records.length === 0 && this.#unreadable === 0) return;
    const batch: LogBatch = { records: this.#records, resources: this.#resources, unreadable: this.#unreadable };
    this.#records = [];
    this.#resources = [];
    this.#unreadable = 0;
    try {
      this.#sink.handOverLogs(batch);
    } catch (error) {
      logger.debug(`could not hand log records over to the sender: ${error instanceof Error ? error.message : String(error)}`);
      this.#sink.countLogLoss("unencodable", batch.records.length + batch.unreadable);
    }
  }

  /** `stop` runs when this processor shuts down (what feeds it: the console capture, the crash record). */
  stopOnShutdown(stop: () => void): void {
    if (this.#stopped) stop();
    else this.#stopListening.push(stop);
  }

  /** Resolves once every record emitted so far has been delivered (or counted as lost). */
  async forceFlush(): Promise<void> {
    this.handOverNow();
    await this.#sink.forceFlush();
  }

  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.handOverNow();
    this.#stopped = true;
    for (const stop of this.#stopListening.splice(0)) stop();
    await this.#sink.forceFlush();
  }
}
