/**
 * AxonPushSpanExporter: OpenTelemetry spans → AxonPush, as `app.span` events
 * (one `POST /event` per span, the default) or as OTLP batches
 * (`transport: "otlp"`, one `POST /v1/traces` per batch).
 *
 * On the app's thread, `export()` only turns each span into a plain record
 * and hands the batch to the sender (one message), then answers: the batch
 * processor never waits for the network, and its queue never fills behind a
 * slow request. Building the requests, HTTP, retries, the bounded queue
 * (AXONPUSH_QUEUE_SIZE) and reporting run on the process's sender thread
 * (src/sender/). `forceFlush()` and `shutdown()` resolve once the sender has
 * settled everything handed over before them. Every path calls the callback
 * exactly once, and nothing here throws into the application.
 */
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { AxonPushClient } from "../client.js";
import { logger } from "../diag.js";
import type { LossCause } from "../sender/losses.js";
import { proxySettingsFrom } from "../sender/proxy-settings.js";
import { RecordMaker } from "../sender/records.js";
import { SenderLane, type SenderLaneSeams } from "../sender/sender-lane.js";
import type { ExitDrainOutcome } from "../sender/sender-thread.js";
import { registerLogSink } from "./log-sink.js";
import { resolveExporterSettings, type AxonPushSpanExporterOptions, type ExporterSettings } from "./options.js";
import { settlesWithin } from "./settles-within.js";

/** @internal seams; not part of the public options. */
export interface ExporterInternals extends SenderLaneSeams {
  /** AXONPUSH_DEBUG (the preload): the sender's counters are said on stderr. */
  debug?: boolean;
}

export class AxonPushSpanExporter implements SpanExporter {
  /** @internal */
  readonly client: AxonPushClient;
  /** @internal */
  readonly environment: string | undefined;
  readonly #settings: ExporterSettings;
  readonly #records = new RecordMaker();
  readonly #lane: SenderLane;
  /** Batches waiting for their resource's asynchronous attributes before being handed over. */
  readonly #resourceWaits = new Set<Promise<void>>();
  #stopped = false;
  #shutdownPromise: Promise<void> | undefined;

  constructor(options: AxonPushSpanExporterOptions, internals: ExporterInternals = {}) {
    assertHasClient(options);
    this.client = options.client;
    this.#settings = resolveExporterSettings(options);
    this.environment = this.#settings.environment;
    this.#lane = new SenderLane(
      { client: this.client.toOptions(), exporter: this.#settings, proxy: proxySettingsFrom(), debug: internals.debug ?? false },
      internals,
    );
    // Log records (AxonPushLogRecordProcessor) go through this exporter's sender, on their own budget.
    const lane = this.#lane;
    registerLogSink(this, {
      handOverLogs: (batch) => {
        if (this.#stopped) lane.countLogLoss("shutdown", batch.records.length + batch.unreadable);
        else lane.handOverLogs(batch);
      },
      countLogLoss: (cause, count) => lane.countLogLoss(cause, count),
      logQueueSize: this.#settings.maxLogQueueSize,
      onHandOverBuffered: (hook) => lane.onHandOverBuffered(hook),
      forceFlush: () => this.forceFlush(),
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#stopped) {
      this.#lane.countLoss("shutdown", spans.length);
      answer(resultCallback, { code: ExportResultCode.FAILED, error: new Error("axonpush-otel: exporter is shut down") });
      return;
    }
    const waits = asyncResourceWaits(spans);
    if (waits.length === 0) {
      this.#handOver(spans);
      answer(resultCallback, { code: ExportResultCode.SUCCESS });
      return;
    }
    // Resource detection is still running: wait for it off the caller, then hand over with the full resource.
    const wait: Promise<void> = Promise.all(waits).then(
      () => this.#handOverLater(spans, wait, resultCallback),
      () => this.#handOverLater(spans, wait, resultCallback),
    );
    this.#resourceWaits.add(wait);
  }

  forceFlush(): Promise<void> {
    return this.#flush();
  }

  shutdown(): Promise<void> {
    this.#shutdownPromise ??= this.#shutdown();
    return this.#shutdownPromise;
  }

  /** @internal where this exporter sends from: the sender thread, or the app's thread (fallback). */
  get sendingFrom(): "thread" | "app-thread" | "not-started" {
    return this.#lane.where;
  }

  /** @internal starts the sender (its thread, where one can run) before the first hand-over; never throws. */
  startSender(): void {
    if (!this.#stopped) this.#lane.start();
  }

  /** @internal the exit path: spans that never reached `export()`, handed over as they are (no waiting). */
  handOverAtExit(spans: readonly ReadableSpan[]): void {
    if (spans.length > 0) this.#handOver(spans);
  }

  /** @internal the exit path: blocks until the sender thread has sent what it holds, or the budget is spent. */
  drainAtExit(budgetMs: number): ExitDrainOutcome {
    return this.#lane.drainAtExit(budgetMs);
  }

  /** @internal the exit path, once the sender thread has drained (or could not): what this lane still holds is said. */
  sayLossesAtExit(): void {
    this.#lane.sayLossesAtExit();
  }

  /** @internal spans lost on the app's thread before the exporter saw them (the batch processor's full queue). */
  countLoss(cause: LossCause, count: number): void {
    this.#lane.countLoss(cause, count);
  }

  #handOver(spans: readonly ReadableSpan[]): void {
    try {
      this.#lane.handOver(this.#records.toRecords(spans));
    } catch (error) {
      logger.error("could not hand spans over to the sender", error);
      this.#lane.countLoss("unencodable", spans.length);
    }
  }

  #handOverLater(spans: ReadableSpan[], wait: Promise<void>, resultCallback: (result: ExportResult) => void): void {
    this.#resourceWaits.delete(wait);
    this.#handOver(spans);
    answer(resultCallback, { code: ExportResultCode.SUCCESS });
  }

  async #flush(): Promise<void> {
    while (this.#resourceWaits.size > 0) await Promise.all([...this.#resourceWaits]);
    await this.#lane.flush();
  }

  async #shutdown(): Promise<void> {
    const deadline = Date.now() + this.#settings.shutdownTimeoutMs;
    // A resource detector that never finishes must not hold the shutdown past its deadline.
    await settlesWithin(
      (async () => {
        while (this.#resourceWaits.size > 0) await Promise.all([...this.#resourceWaits]);
      })(),
      this.#settings.shutdownTimeoutMs,
    );
    this.#stopped = true;
    await this.#lane.shutdown(Math.max(0, deadline - Date.now()));
  }
}

function answer(resultCallback: (result: ExportResult) => void, result: ExportResult): void {
  try {
    resultCallback(result);
  } catch (error) {
    // The callback belongs to the span processor; its failure must not become ours.
    logger.error("export result callback threw", error);
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
  if (typeof client?.baseUrl === "string" && typeof client.headersFor === "function" && typeof client.toOptions === "function") return;
  throw new TypeError(
    "AxonPushSpanExporter needs a client: new AxonPushSpanExporter({ client: new AxonPushClient({ apiKey: process.env.AXONPUSH_API_KEY }) })",
  );
}
