/**
 * AxonPush is always one batch processor when configured; each extra
 * exporter OTEL_TRACES_EXPORTER asks for gets its own, so a slow backend
 * never holds up the other.
 */
import { BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type * as OtlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import type * as OtlpJson from "@opentelemetry/exporter-trace-otlp-http";
import { requireLazily } from "./lazy-require.js";
import type { AxonPushOtelConfig, ExtraTraceExporter } from "../config/types.js";
import { AxonPushBatchSpanProcessor, type AxonPushSpanExporter } from "../exporter/index.js";
import type { PendingSpanProcessor } from "../exit/index.js";

function extraExporter(kind: ExtraTraceExporter, config: AxonPushOtelConfig): SpanExporter {
  if (kind === "console") return new ConsoleSpanExporter();
  const options = { url: config.otlpTraces.url, headers: { ...config.otlpTraces.headers } };
  if (config.otlpTraces.protocol === "http/json") {
    const { OTLPTraceExporter } = requireLazily("@opentelemetry/exporter-trace-otlp-http") as typeof OtlpJson;
    return new OTLPTraceExporter(options);
  }
  const { OTLPTraceExporter } = requireLazily("@opentelemetry/exporter-trace-otlp-proto") as typeof OtlpProto;
  return new OTLPTraceExporter(options);
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
    // Its forceFlush waits for delivery, and its queue-full drops are counted and said (exporter/batch-span-processor.ts).
    processors.push(
      new AxonPushBatchSpanProcessor(axonpushExporter, { ...config.batchProcessor }, {
        exporterSeenAs: pendingSpans ? (exporter) => pendingSpans.observe(exporter) : undefined,
        // The span just dropped is the last one the pending processor (placed before) saw end: not sent late either.
        onQueueFull: () => pendingSpans?.forgetLatest(),
      }),
    );
  }
  for (const kind of config.extraTraceExporters) {
    processors.push(new BatchSpanProcessor(extraExporter(kind, config), { ...config.batchProcessor }));
  }
  return processors;
}
