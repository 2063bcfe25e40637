/**
 * One exporter's sending, on the sender thread (or, where no thread can be
 * started, on the app's thread: the code is the same). Records come in;
 * here they become requests (events or OTLP, with the privacy and resource
 * rules), wait in the bounded queue (AXONPUSH_QUEUE_SIZE), and go out
 * through the transport stack (retries, backoff, breaker, properties a
 * server refused). Every span ends delivered or counted as lost, by cause.
 *
 * Log records (`acceptLogs`) take the same way through the same transport,
 * in a line of their own in the queue (AXONPUSH_LOG_QUEUE_SIZE), served only
 * when no span waits and never with the spans' last slots: records beyond
 * the room left are counted as lost before anything is built for them, so a
 * log storm costs the sender little and the spans nothing. They are counted
 * and said apart, as "log records".
 */
import { AxonPushClient } from "../client.js";
import { DeliveryQueue } from "../exporter/delivery-queue.js";
import { partialRejection } from "../exporter/otlp-response.js";
import { settlesWithin } from "../exporter/settles-within.js";
import { createEventTransport } from "../transport/create-transport.js";
import { otlpEncodingsOf } from "../transport/otlp-encodings.js";
import { OtlpJsonFallbackTransport } from "../transport/otlp-json-fallback.js";
import { refusalsOf } from "../transport/refused-properties.js";
import { RefusedPropertyTransport } from "../transport/refused-property-transport.js";
import type { OutgoingRequest, SendResult, Transport } from "../transport/types.js";
import type { ConfigurationProblemKind } from "../exporter/configuration-problem.js";
import { DeliveryReporter, type Notice } from "./delivery-reporter.js";
import { LogRequestMaker } from "./log-request-maker.js";
import type { LogBatch } from "./log-records.js";
import { LOG_RECORDS, type LossCause, type LossCounts } from "./losses.js";
import type { LaneSettings } from "./protocol.js";
import type { RecordBatch } from "./records.js";
import { RequestMaker } from "./request-maker.js";

export interface LaneSeams {
  notice: Notice;
  /** Replaces the HTTP stack (tests, and nothing else). */
  transport?: Transport;
  /** Around every single try: the app's thread suppresses tracing of our own requests with it. */
  wrapTransport?: (transport: Transport) => Transport;
  /** Called with the spans held whenever that changes (the sender thread shares it with the app's thread). */
  onHeld?: (held: number) => void;
  /** The same for log records. */
  onLogsHeld?: (held: number) => void;
  /** Test seams for the reporter's timing. */
  reportIntervalMs?: number;
  firstReportDelayMs?: number;
}

export class Lane {
  readonly #requests: RequestMaker;
  readonly #logRequests: LogRequestMaker;
  readonly #transport: Transport;
  readonly #queue: DeliveryQueue;
  readonly #reporter: DeliveryReporter;
  readonly #logReporter: DeliveryReporter;
  readonly #onHeld: ((held: number) => void) | undefined;
  readonly #onLogsHeld: ((held: number) => void) | undefined;
  #stopped = false;
  /** Past a shutdown or exit deadline: whatever still fails was cut off by it. */
  #cutOff: LossCause | undefined;

  constructor(settings: LaneSettings, seams: LaneSeams) {
    const client = new AxonPushClient(settings.client);
    const exporter = settings.exporter;
    // What this server refused by name so far (shared by every lane sending to it): left out of every body.
    const refusals = refusalsOf(client.baseUrl);
    // Whether it refused OTLP protobuf (shared likewise): OTLP built as JSON from then on.
    const encodings = otlpEncodingsOf(client.baseUrl);
    this.#requests = new RequestMaker(exporter, refusals.names, encodings);
    this.#logRequests = new LogRequestMaker(exporter, refusals.names, encodings);
    const http =
      seams.transport ??
      createEventTransport(client, {
        environment: exporter.environment,
        concurrency: exporter.concurrency,
        // The pool opens connections as requests need them: its bound is the most the queue may grow to.
        maxConnections: exporter.maxConcurrency,
        proxy: settings.proxy,
        wrap: seams.wrapTransport,
      });
    this.#transport = new OtlpJsonFallbackTransport(new RefusedPropertyTransport(http, refusals), encodings);
    const reporting = {
      notice: seams.notice,
      configured: { tenantId: client.tenantId !== undefined, channelId: exporter.channelId !== undefined },
      scrub: (text: string) => client.scrubSecrets(text),
      debug: settings.debug,
      intervalMs: seams.reportIntervalMs,
      firstDelayMs: seams.firstReportDelayMs,
      // A wrong variable is said once, whether a span or a log record met it first.
      configurationReported: new Set<ConfigurationProblemKind>(),
    };
    this.#reporter = new DeliveryReporter({
      ...reporting,
      // Past a deadline everything left was counted as lost: nothing is held any more.
      held: () => (this.#cutOff ? 0 : this.#queue.size),
    });
    this.#logReporter = new DeliveryReporter({
      ...reporting,
      signal: LOG_RECORDS,
      countersOnceUsed: true,
      held: () => (this.#cutOff ? 0 : this.#queue.logSize),
    });
    this.#onHeld = seams.onHeld;
    this.#onLogsHeld = seams.onLogsHeld;
    this.#queue = new DeliveryQueue({
      transport: this.#transport,
      maxQueueSize: exporter.maxQueueSize,
      maxLogQueueSize: exporter.maxLogQueueSize,
      concurrency: exporter.concurrency,
      maxConcurrency: exporter.maxConcurrency,
      onSettled: (request, result, line) => (line === "logs" ? this.#settledLogs(request, result) : this.#settled(request, result)),
    });
  }

  /** Spans held right now (waiting plus being sent). */
  get held(): number {
    return this.#queue.size;
  }

  get reporter(): DeliveryReporter {
    return this.#reporter;
  }

  /** Log records held right now (waiting plus being sent). */
  get logsHeld(): number {
    return this.#queue.logSize;
  }

  get logReporter(): DeliveryReporter {
    return this.#logReporter;
  }

  accept(batch: RecordBatch, appLosses?: Partial<LossCounts>): void {
    if (appLosses) this.#reporter.appLosses(appLosses);
    if (this.#stopped) {
      this.#reporter.lost("shutdown", batch.spans.length + batch.unreadable);
      return;
    }
    try {
      // As many spans as the queue has room for become requests; the rest are counted as lost at once,
      // nothing built for them (an overloaded sender must not spend itself on bodies it would drop).
      const room = this.#queue.room;
      const fitting = batch.spans.length <= room ? batch : { ...batch, spans: batch.spans.slice(0, room) };
      this.#reporter.lost("queueFull", batch.spans.length - fitting.spans.length);
      const { requests, failedSpans } = this.#requests.fromRecords(fitting);
      this.#reporter.lost("unencodable", failedSpans);
      this.#reporter.lost("queueFull", this.#queue.enqueue(requests));
    } catch {
      this.#reporter.lost("unencodable", batch.spans.length + batch.unreadable);
    }
    this.#onHeld?.(this.#queue.size);
  }

  /**
   * Log records: as many as the log line has room for become requests; the
   * rest are counted as lost at once, nothing built for them.
   */
  acceptLogs(batch: LogBatch, appLosses?: Partial<LossCounts>): void {
    if (appLosses) this.#logReporter.appLosses(appLosses);
    const count = batch.records.length + batch.unreadable;
    if (this.#stopped) {
      this.#logReporter.lost("shutdown", count);
      return;
    }
    this.#logReporter.lost("unencodable", batch.unreadable);
    try {
      this.#logRequests.learn(batch.resources);
      const room = this.#queue.logRoom;
      const taken = batch.records.length <= room ? batch.records : batch.records.slice(0, room);
      this.#logReporter.lost("queueFull", batch.records.length - taken.length);
      const { requests, failedSpans } = this.#logRequests.fromRecords(taken);
      this.#logReporter.lost("unencodable", failedSpans);
      this.#logReporter.lost("queueFull", this.#queue.enqueue(requests, "logs"));
    } catch {
      this.#logReporter.lost("unencodable", batch.records.length);
    }
    this.#onLogsHeld?.(this.#queue.logSize);
  }

  /** Resolves once everything accepted so far has settled. */
  flush(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** Stops accepting, sends what it holds within `timeoutMs`, says what was lost, releases the sockets. */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#settleUntil(Date.now() + timeoutMs, "shutdown");
    for (const reporter of [this.#reporter, this.#logReporter]) {
      reporter.sayNow("at shutdown");
      reporter.close();
    }
    this.#transport.close();
  }

  /** The process is ending: send until `deadline`, then count what is left and say it (the app's thread prints it). */
  async drainForExit(deadline: number): Promise<void> {
    await this.#settleUntil(deadline, "exitBudget");
    this.#reporter.sayNow("before exit");
    this.#logReporter.sayNow("before exit");
  }

  async #settleUntil(deadline: number, cause: LossCause): Promise<void> {
    const settled = await settlesWithin(this.#queue.whenIdle(), Math.max(0, deadline - Date.now()));
    if (settled) return;
    this.#cutOff = cause;
    this.#reporter.lost(cause, this.#queue.abandonWaiting() + this.#queue.size);
    this.#logReporter.lost(cause, this.#queue.abandonWaitingLogs() + this.#queue.logSize);
  }

  #settled(request: OutgoingRequest, result: SendResult): void {
    this.#onHeld?.(this.#queue.size);
    this.#report(this.#reporter, request, result);
  }

  #settledLogs(request: OutgoingRequest, result: SendResult): void {
    this.#onLogsHeld?.(this.#queue.logSize);
    this.#report(this.#logReporter, request, result);
  }

  #report(reporter: DeliveryReporter, request: OutgoingRequest, result: SendResult): void {
    // Already counted when the deadline cut it off.
    if (this.#cutOff) return;
    const partial = partialRejection(request, result);
    if (partial) {
      reporter.settled({ kind: "success", status: 200 }, request.spanCount - partial.rejectedSpans);
      reporter.settled(partial.result, partial.rejectedSpans);
    } else {
      reporter.settled(result, request.spanCount);
    }
  }
}
