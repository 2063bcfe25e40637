/**
 * AxonPushSpanExporter: OpenTelemetry spans → AxonPush, as `app.span` events
 * (one `POST /event` per span, the default) or as OTLP batches
 * (`transport: "otlp"`, one `POST /v1/traces` per batch). The two differ only
 * in how spans become requests (request-builders.ts); queue, retries,
 * reporting and the exit path are shared.
 *
 * On the caller, `export()` only maps the spans to their final requests and
 * puts them in a bounded queue; the network work happens afterwards (see
 * delivery-queue.ts), and the batch's callback fires when its events are
 * settled. Every path calls the callback exactly once, and nothing here
 * throws into the application.
 */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { AxonPushClient } from "../client.js";
import { logger } from "../diag.js";
import { createEventTransport } from "../transport/create-transport.js";
import { otlpEncodingsOf } from "../transport/otlp-encodings.js";
import { OtlpJsonFallbackTransport } from "../transport/otlp-json-fallback.js";
import { refusalsOf } from "../transport/refused-properties.js";
import { RefusedPropertyTransport } from "../transport/refused-property-transport.js";
import type { OutgoingRequest, Transport } from "../transport/types.js";
import { BatchSettlement } from "./batch-settlement.js";
import { DeliveryQueue } from "./delivery-queue.js";
import { resolveExporterSettings, type AxonPushSpanExporterOptions, type ExporterSettings } from "./options.js";
import { createPrivacy } from "./privacy.js";
import { partialRejection } from "./otlp-response.js";
import { ProblemReporter } from "./problem-reporter.js";
import { createRequestBuilder, type RequestBuilder } from "./request-builders.js";
import { createResourceMapper } from "./resource.js";
import { settlesWithin } from "./settles-within.js";

/** @internal seams for tests; not part of the public options. */
export interface ExporterInternals {
  transport?: Transport;
  warningIntervalMs?: number;
}

export class AxonPushSpanExporter implements SpanExporter {
  /** @internal for the exit path */
  readonly client: AxonPushClient;
  /** @internal for the exit path */
  readonly environment: string | undefined;
  readonly #settings: ExporterSettings;
  readonly #builder: RequestBuilder;
  readonly #transport: Transport;
  readonly #queue: DeliveryQueue;
  readonly #reporter: ProblemReporter;
  /** Batches waiting for their resource's asynchronous attributes before being mapped. */
  readonly #resourceWaits = new Map<Promise<void>, BatchSettlement>();
  /** Requests cut off by the shutdown deadline: still undelivered, kept for the exit path. */
  #abandoned: OutgoingRequest[] = [];
  #stopped = false;
  #closed = false;
  #shutdownPromise: Promise<void> | undefined;

  constructor(options: AxonPushSpanExporterOptions, internals: ExporterInternals = {}) {
    assertHasClient(options);
    this.client = options.client;
    this.#settings = resolveExporterSettings(options);
    this.environment = this.#settings.environment;
    const privacy = createPrivacy(this.#settings);
    // What this server refused by name so far (shared by everything sending to it): left out of every body.
    const refusals = refusalsOf(this.client.baseUrl);
    // Whether it refused OTLP protobuf (shared likewise): OTLP built as JSON from then on.
    const encodings = otlpEncodingsOf(this.client.baseUrl);
    this.#builder = createRequestBuilder(this.#settings, privacy, createResourceMapper(this.#settings, privacy), refusals.names, encodings);
    this.#transport = new OtlpJsonFallbackTransport(
      new RefusedPropertyTransport(
        internals.transport ??
          createEventTransport(this.client, { environment: this.environment, concurrency: this.#settings.concurrency }),
        refusals,
      ),
      encodings,
    );
    this.#reporter = new ProblemReporter({
      maxQueueSize: this.#settings.maxQueueSize,
      scrub: (text) => this.client.scrubSecrets(text),
      intervalMs: internals.warningIntervalMs,
      configured: { tenantId: this.client.tenantId !== undefined, channelId: this.#settings.channelId !== undefined },
    });
    this.#queue = new DeliveryQueue({
      transport: this.#transport,
      maxQueueSize: this.#settings.maxQueueSize,
      concurrency: this.#settings.concurrency,
      onResult: (request, result) => {
        if (this.#closed) return;
        const partial = partialRejection(request, result);
        if (partial) this.#reporter.undelivered(partial.result, partial.rejectedSpans);
        else this.#reporter.undelivered(result, request.spanCount);
      },
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("axonpush-otel: exporter is shut down") });
      return;
    }
    const batch = new BatchSettlement(spans.length, resultCallback);
    const waits = asyncResourceWaits(spans);
    if (waits.length === 0) {
      this.#accept(spans, batch);
      return;
    }
    // Resource detection is still running: wait for it off the caller, then map with the full resource.
    const wait: Promise<void> = Promise.all(waits).then(
      () => this.#acceptLater(spans, batch, wait),
      () => this.#acceptLater(spans, batch, wait),
    );
    this.#resourceWaits.set(wait, batch);
  }

  forceFlush(): Promise<void> {
    return this.#flush();
  }

  shutdown(): Promise<void> {
    this.#shutdownPromise ??= this.#shutdown();
    return this.#shutdownPromise;
  }

  /** @internal for the exit path: turn spans into prepared requests without queueing them */
  prepare(spans: ReadableSpan[]): OutgoingRequest[] {
    return this.#builder.build(spans).requests;
  }

  /** @internal for the exit path: every request accepted but not yet settled (queued + in flight, and those cut off by the shutdown deadline) */
  pendingRequests(): OutgoingRequest[] {
    return [...new Set([...this.#abandoned, ...this.#queue.pending()])];
  }

  /** @internal spans dropped so far because the queue was full */
  get droppedSpanCount(): number {
    return this.#reporter.droppedCount;
  }

  /** @internal spans held right now (waiting plus being sent); never above maxQueueSize */
  get queueSize(): number {
    return this.#queue.size;
  }

  #accept(spans: ReadableSpan[], batch: BatchSettlement): void {
    try {
      const { requests, failedSpans } = this.#builder.build(spans);
      if (failedSpans > 0) batch.failed(failedSpans);
      this.#reporter.dropped(this.#queue.enqueue(requests, batch));
    } catch (error) {
      logger.error("could not queue spans", error);
      batch.failRemaining();
    }
  }

  #acceptLater(spans: ReadableSpan[], batch: BatchSettlement, wait: Promise<void>): void {
    this.#resourceWaits.delete(wait);
    if (this.#closed) batch.failRemaining();
    else this.#accept(spans, batch);
  }

  async #flush(): Promise<void> {
    while (this.#resourceWaits.size > 0) await Promise.all([...this.#resourceWaits.keys()]);
    await this.#queue.whenIdle();
  }

  async #shutdown(): Promise<void> {
    this.#stopped = true;
    const drained = await settlesWithin(this.#flush(), this.#settings.shutdownTimeoutMs);
    if (!drained) {
      this.#abandoned = this.#queue.pending();
      logger.debug(`shutdown deadline passed with ${this.#abandoned.length} request(s) undelivered`);
      this.#queue.abandonWaiting();
      // A resource detector that never finishes must not leave its batches without an answer.
      for (const batch of this.#resourceWaits.values()) batch.failRemaining();
    }
    this.#reporter.close();
    this.#closed = true;
    // In-flight sends resolve as failures once their sockets are destroyed; their batches fail then.
    this.#transport.close();
  }
}

function asyncResourceWaits(spans: readonly ReadableSpan[]): Promise<void>[] {
  const waits: Promise<void>[] = [];
  const seen = new Set<unknown>();
  for (const span of spans) {
    const resource = span.resource;
    if (resource?.asyncAttributesPending && resource.waitForAsyncAttributes && !seen.has(resource)) {
      seen.add(resource);
      waits.push(resource.waitForAsyncAttributes());
    }
  }
  return waits;
}

/**
 * A JavaScript caller gets no type error for `new AxonPushSpanExporter({ apiKey })`:
 * say what is needed instead of failing on an undefined client further in.
 * By shape, not `instanceof`: an app can load our ESM and CJS builds side by side.
 */
function assertHasClient(options: AxonPushSpanExporterOptions | undefined): void {
  const client = options?.client as Partial<AxonPushClient> | undefined;
  if (typeof client?.baseUrl === "string" && typeof client.headersFor === "function") return;
  throw new TypeError(
    "AxonPushSpanExporter needs a client: new AxonPushSpanExporter({ client: new AxonPushClient({ apiKey: process.env.AXONPUSH_API_KEY }) })",
  );
}
