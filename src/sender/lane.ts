/**
 * One exporter's sending, on the sender thread (or, where no thread can be
 * started, on the app's thread: the code is the same). Records come in;
 * here they become requests (events or OTLP, with the privacy and resource
 * rules), wait in the bounded queue (AXONPUSH_QUEUE_SIZE), and go out
 * through the transport stack (retries, backoff, breaker, properties a
 * server refused). Every span ends delivered or counted as lost, by cause.
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
import { DeliveryReporter, type Notice } from "./delivery-reporter.js";
import type { LossCause, LossCounts } from "./losses.js";
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
  /** Test seams for the reporter's timing. */
  reportIntervalMs?: number;
  firstReportDelayMs?: number;
}

export class Lane {
  readonly #requests: RequestMaker;
  readonly #transport: Transport;
  readonly #queue: DeliveryQueue;
  readonly #reporter: DeliveryReporter;
  readonly #onHeld: ((held: number) => void) | undefined;
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
    const http =
      seams.transport ??
      createEventTransport(client, {
        environment: exporter.environment,
        concurrency: exporter.concurrency,
        proxy: settings.proxy,
        wrap: seams.wrapTransport,
      });
    this.#transport = new OtlpJsonFallbackTransport(new RefusedPropertyTransport(http, refusals), encodings);
    this.#reporter = new DeliveryReporter({
      notice: seams.notice,
      configured: { tenantId: client.tenantId !== undefined, channelId: exporter.channelId !== undefined },
      scrub: (text) => client.scrubSecrets(text),
      debug: settings.debug,
      // Past a deadline everything left was counted as lost: nothing is held any more.
      held: () => (this.#cutOff ? 0 : this.#queue.size),
      intervalMs: seams.reportIntervalMs,
      firstDelayMs: seams.firstReportDelayMs,
    });
    this.#onHeld = seams.onHeld;
    this.#queue = new DeliveryQueue({
      transport: this.#transport,
      maxQueueSize: exporter.maxQueueSize,
      concurrency: exporter.concurrency,
      onSettled: (request, result) => this.#settled(request, result),
    });
  }

  /** Spans held right now (waiting plus being sent). */
  get held(): number {
    return this.#queue.size;
  }

  get reporter(): DeliveryReporter {
    return this.#reporter;
  }

  accept(batch: RecordBatch, appLosses?: Partial<LossCounts>): void {
    if (appLosses) this.#reporter.appLosses(appLosses);
    if (this.#stopped) {
      this.#reporter.lost("shutdown", batch.spans.length + batch.unreadable);
      return;
    }
    try {
      const { requests, failedSpans } = this.#requests.fromRecords(batch);
      this.#reporter.lost("unencodable", failedSpans);
      this.#reporter.lost("queueFull", this.#queue.enqueue(requests));
    } catch {
      this.#reporter.lost("unencodable", batch.spans.length + batch.unreadable);
    }
    this.#onHeld?.(this.#queue.size);
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
    this.#reporter.sayNow("at shutdown");
    this.#reporter.close();
    this.#transport.close();
  }

  /** The process is ending: send until `deadline`, then count what is left and say it (the app's thread prints it). */
  async drainForExit(deadline: number): Promise<void> {
    await this.#settleUntil(deadline, "exitBudget");
    this.#reporter.sayNow("before exit");
  }

  async #settleUntil(deadline: number, cause: LossCause): Promise<void> {
    const settled = await settlesWithin(this.#queue.whenIdle(), Math.max(0, deadline - Date.now()));
    if (settled) return;
    this.#cutOff = cause;
    this.#reporter.lost(cause, this.#queue.abandonWaiting() + this.#queue.size);
  }

  #settled(request: OutgoingRequest, result: SendResult): void {
    this.#onHeld?.(this.#queue.size);
    // Already counted when the deadline cut it off.
    if (this.#cutOff) return;
    const partial = partialRejection(request, result);
    if (partial) {
      this.#reporter.settled({ kind: "success", status: 200 }, request.spanCount - partial.rejectedSpans);
      this.#reporter.settled(partial.result, partial.rejectedSpans);
    } else {
      this.#reporter.settled(result, request.spanCount);
    }
  }
}
