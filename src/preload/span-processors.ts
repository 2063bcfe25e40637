/**
 * AxonPush is always one BatchSpanProcessor when configured; each extra
 * exporter OTEL_TRACES_EXPORTER asks for gets its own, so a slow backend
 * never holds up the other.
 */
import { BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type * as OtlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import type * as OtlpJson from "@opentelemetry/exporter-trace-otlp-http";
import { requireLazily } from "./lazy-require.js";
import type { AxonPushOtelConfig, ExtraTraceExporter } from "../config/types.js";
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
  axonpushExporter: SpanExporter | undefined,
  pendingSpans?: PendingSpanProcessor,
): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (axonpushExporter) {
    // Beside the batch processor, holding each ended span until the exporter has it,
    // so an exit can still reach spans in the batch buffer (src/exit).
    if (pendingSpans) processors.push(pendingSpans);
    const observed = pendingSpans ? pendingSpans.observe(axonpushExporter) : axonpushExporter;
    processors.push(new BatchSpanProcessor(observed, { ...config.batchProcessor }));
  }
  for (const kind of config.extraTraceExporters) {
    processors.push(new BatchSpanProcessor(extraExporter(kind, config), { ...config.batchProcessor }));
  }
  return processors;
}
