/**
 * The LoggerProvider's processors: AxonPush's (every record an `app.log`
 * event, sent by the span exporter's sender on its own budget) when logs
 * go to AxonPush, plus one per exporter OTEL_LOGS_EXPORTER asks for beside
 * it (`otlp` on a batch processor with OTEL_BLRP_*, `console`), as NodeSDK
 * itself would have built them. None at all: the provider still exists,
 * and the log libraries only get trace ids written into their lines.
 */
import type * as LogsProto from "@opentelemetry/exporter-logs-otlp-proto";
import type * as LogsJson from "@opentelemetry/exporter-logs-otlp-http";
import type * as LogsGrpc from "@opentelemetry/exporter-logs-otlp-grpc";
import { BatchLogRecordProcessor, ConsoleLogRecordExporter, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { LogRecordExporter, LogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { AxonPushOtelConfig, ExtraLogExporter } from "../config/types.js";
import type { AxonPushSpanExporter } from "../exporter/index.js";
import { AxonPushLogRecordProcessor } from "../logs/log-record-processor.js";
import { requireLazily } from "./lazy-require.js";

export interface LogProcessors {
  readonly processors: LogRecordProcessor[];
  /** AxonPush's own, when logs go to AxonPush (the console capture and the crash record feed it). */
  readonly axonpush?: AxonPushLogRecordProcessor;
}

function otlpLogExporter(config: AxonPushOtelConfig): LogRecordExporter {
  // Endpoint and headers are read by the exporter itself (OTEL_EXPORTER_OTLP_(LOGS_)*), as under NodeSDK.
  switch (config.logs.otlpProtocol) {
    case "grpc":
      return new (requireLazily("@opentelemetry/exporter-logs-otlp-grpc") as typeof LogsGrpc).OTLPLogExporter();
    case "http/json":
      return new (requireLazily("@opentelemetry/exporter-logs-otlp-http") as typeof LogsJson).OTLPLogExporter();
    default:
      return new (requireLazily("@opentelemetry/exporter-logs-otlp-proto") as typeof LogsProto).OTLPLogExporter();
  }
}

function extraProcessor(kind: ExtraLogExporter, config: AxonPushOtelConfig): LogRecordProcessor {
  if (kind === "console") return new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() });
  return new BatchLogRecordProcessor({ exporter: otlpLogExporter(config), ...config.logs.batchProcessor });
}

export function buildLogRecordProcessors(config: AxonPushOtelConfig, axonpushExporter: AxonPushSpanExporter | undefined): LogProcessors {
  const axonpush = config.logs.toAxonPush && axonpushExporter ? new AxonPushLogRecordProcessor(axonpushExporter) : undefined;
  const extras = config.logs.extraExporters.map((kind) => extraProcessor(kind, config));
  return { processors: axonpush ? [axonpush, ...extras] : extras, ...(axonpush ? { axonpush } : {}) };
}
