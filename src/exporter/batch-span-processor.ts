/**
 * The batch processor to put AxonPushSpanExporter on. A plain
 * BatchSpanProcessor works too, but the exporter's `export()` only hands the
 * spans to the sender thread, so a plain processor's `forceFlush()` resolves
 * before they are delivered. This one also waits for the exporter to settle
 * them, so `provider.forceFlush()` means "delivered" again. And the spans it
 * drops because its queue is full (OTEL_BSP_MAX_QUEUE_SIZE, which
 * OpenTelemetry's processor only mentions at debug level) are counted and
 * said with every other lost span, through the processor's own
 * self-observability counter.
 */
import { BatchSpanProcessor, type BufferConfig, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { AxonPushSpanExporter } from "./exporter.js";
import { queueFullCounter } from "./queue-full-counter.js";

/** @internal what the preload adds: the exporter as the processor sees it, and a hook on each drop. */
export interface BatchProcessorInternals {
  exporterSeenAs?: (exporter: AxonPushSpanExporter) => SpanExporter;
  onQueueFull?: (count: number) => void;
}

export class AxonPushBatchSpanProcessor extends BatchSpanProcessor {
  readonly #exporter: AxonPushSpanExporter;
  #senderStarted = false;

  constructor(exporter: AxonPushSpanExporter, config: BufferConfig = {}, internals: BatchProcessorInternals = {}) {
    const onDrop = (count: number) => {
      exporter.countLoss("batchQueueFull", count);
      internals.onQueueFull?.(count);
    };
    // An option of the SDK's batch processor (sdk-trace) that the sdk-trace-base re-export's type does not list yet.
    const options = { ...config, selfObsMeterProvider: queueFullCounter(onDrop) };
    super(internals.exporterSeenAs ? internals.exporterSeenAs(exporter) : exporter, options);
    this.#exporter = exporter;
  }

  /**
   * The first span that ends starts the sender thread, rather than the first export (up to
   * OTEL_BSP_SCHEDULE_DELAY later): a process that ends soon after, a crash at start-up say, then
   * finds the thread ready at exit instead of paying its start-up out of the exit budget. An app
   * that ends no span still never starts it.
   */
  override onEnd(span: Parameters<BatchSpanProcessor["onEnd"]>[0]): void {
    if (!this.#senderStarted) {
      this.#senderStarted = true;
      this.#exporter.startSender();
    }
    super.onEnd(span);
  }

  override async forceFlush(): Promise<void> {
    await super.forceFlush();
    await this.#exporter.forceFlush();
  }
}
