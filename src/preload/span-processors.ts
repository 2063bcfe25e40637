/**
 * AxonPush is always one batch processor when configured; each extra
 * exporter OTEL_TRACES_EXPORTER asks for gets its own, so a slow backend
 * never holds up the other.
 */
import { BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type * as OtlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import { requireLazily } from "./lazy-require.js";
import type { AxonPushOtelConfig, ExtraTraceExporter } from "../config/types.js";
import type { AxonPushSpanExporter } from "../exporter/index.js";
import type { PendingSpanProcessor } from "../exit/index.js";
import { queueFullCounter } from "./queue-full-counter.js";

function extraExporter(kind: ExtraTraceExporter, config: AxonPushOtelConfig): SpanExporter {
  if (kind === "console") return new ConsoleSpanExporter();
  const { OTLPTraceExporter } = requireLazily("@opentelemetry/exporter-trace-otlp-proto") as typeof OtlpProto;
  return new OTLPTraceExporter({ url: config.otlpTraces.url, headers: { ...config.otlpTraces.headers } });
}

/**
 * The AxonPush batch processor. Its export only hands spans to the sender
 * thread, so `forceFlush()` also waits for the sender to settle them:
 * `provider.forceFlush()` still means "delivered". Spans it drops because
 * its queue is full (OTEL_BSP_MAX_QUEUE_SIZE) are counted, through the
 * processor's own self-observability counter, and said with every other
 * loss; the exit path then forgets them too (they are not sent late).
 */
class AxonPushBatchSpanProcessor extends BatchSpanProcessor {
  readonly #exporter: AxonPushSpanExporter;

  constructor(exporter: AxonPushSpanExporter, config: AxonPushOtelConfig, pendingSpans: PendingSpanProcessor | undefined) {
    const onDrop = (count: number) => {
      exporter.countLoss("batchQueueFull", count);
      // The span just dropped is the last one the pending processor (placed before us) saw end.
      pendingSpans?.forgetLatest();
    };
    // An option of the SDK's batch processor (sdk-trace) that the sdk-trace-base re-export's type does not list yet.
    const options = { ...config.batchProcessor, selfObsMeterProvider: queueFullCounter(onDrop) };
    super(pendingSpans ? pendingSpans.observe(exporter) : exporter, options);
    this.#exporter = exporter;
  }

  override async forceFlush(): Promise<void> {
    await super.forceFlush();
    await this.#exporter.forceFlush();
  }
}

export function buildSpanProcessors(
  config: AxonPushOtelConfig,
  axonpushExporter: AxonPushSpanExporter | undefined,
  pendingSpans?: PendingSpanProcessor,
): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (axonpushExporter) {
    // Before the batch processor, holding each ended span until the exporter has it,
    // so an exit can still reach spans in the batch buffer (src/exit).
    if (pendingSpans) processors.push(pendingSpans);
    processors.push(new AxonPushBatchSpanProcessor(axonpushExporter, config, pendingSpans));
  }
  for (const kind of config.extraTraceExporters) {
    processors.push(new BatchSpanProcessor(extraExporter(kind, config), { ...config.batchProcessor }));
  }
  return processors;
}
