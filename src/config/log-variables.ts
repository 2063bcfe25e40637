/**
 * One parser per variable for log records (src/logs): whether pino, winston
 * and bunyan records (and a crash) go to AxonPush as `app.log` events,
 * whether console output does too, their queue budget, and the standard
 * OTEL_LOGS_EXPORTER / OTEL_BLRP_* for exporters beside AxonPush.
 */
import { parseBoolean, parseInteger, parseList, readRaw, type ParseContext } from "./parsers.js";
import type { BatchProcessorConfig, ExtraLogExporter, OtlpLogsProtocol } from "./types.js";

/** AXONPUSH_LOGS=false: no log record goes to AxonPush (trace ids are still written into the log lines). */
export const readLogs = (ctx: ParseContext) => parseBoolean(ctx, "AXONPUSH_LOGS", true);

/** AXONPUSH_CAPTURE_CONSOLE=true: console.log/info/warn/error/debug become log records too. Off: most platforms collect stdout already. */
export const readCaptureConsole = (ctx: ParseContext) => parseBoolean(ctx, "AXONPUSH_CAPTURE_CONSOLE", false);

export const DEFAULT_LOG_QUEUE_SIZE = 2048;

/** AXONPUSH_LOG_QUEUE_SIZE: log records held at most, apart from the spans' AXONPUSH_QUEUE_SIZE. */
export const readLogQueueSize = (ctx: ParseContext) => parseInteger(ctx, "AXONPUSH_LOG_QUEUE_SIZE", DEFAULT_LOG_QUEUE_SIZE, 1);

const LOG_EXPORTERS: readonly string[] = ["otlp", "console", "none"];

export interface LogExportersChoice {
  /** `none` was listed: no log record goes anywhere, AxonPush included. */
  readonly none: boolean;
  /** Exporters to run beside AxonPush. */
  readonly extra: ExtraLogExporter[];
}

/**
 * OTEL_LOGS_EXPORTER as the SDK reads it: `none` turns logs off altogether;
 * `otlp` and `console` run beside AxonPush (unset: none beside it, unlike
 * the SDK's default, which would post to a collector on localhost nobody runs).
 */
export function readLogExporters(ctx: ParseContext): LogExportersChoice {
  const listed = parseList(ctx, "OTEL_LOGS_EXPORTER")?.map((n) => n.toLowerCase()) ?? [];
  const unknown = listed.filter((n) => !LOG_EXPORTERS.includes(n));
  if (unknown.length > 0) {
    ctx.report(`OTEL_LOGS_EXPORTER must list otlp, console or none, got ${JSON.stringify(unknown.join(","))}; ignoring it.`);
  }
  if (listed.includes("none")) return { none: true, extra: [] };
  return { none: false, extra: listed.filter((n): n is ExtraLogExporter => n === "otlp" || n === "console") };
}

/** OTEL_BLRP_*: the batch processor of an extra log exporter (AxonPush's own records never wait in one). */
export function readBatchLogProcessor(ctx: ParseContext): BatchProcessorConfig {
  return {
    maxQueueSize: parseInteger(ctx, "OTEL_BLRP_MAX_QUEUE_SIZE", undefined, 1),
    scheduledDelayMillis: parseInteger(ctx, "OTEL_BLRP_SCHEDULE_DELAY", undefined, 0),
    exportTimeoutMillis: parseInteger(ctx, "OTEL_BLRP_EXPORT_TIMEOUT", undefined, 1),
    maxExportBatchSize: parseInteger(ctx, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", undefined, 1),
  };
}

const OTLP_LOGS_PROTOCOLS: readonly OtlpLogsProtocol[] = ["http/protobuf", "http/json", "grpc"];

/** The extra OTLP log exporter's protocol, as the SDK reads it: the logs variable wins over the general one. */
export function readOtlpLogsProtocol(ctx: ParseContext): OtlpLogsProtocol {
  const name = readRaw(ctx, "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL") !== undefined ? "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL";
  const raw = readRaw(ctx, name);
  if (raw === undefined) return "http/protobuf";
  const protocol = OTLP_LOGS_PROTOCOLS.find((known) => known === raw.toLowerCase());
  if (protocol) return protocol;
  ctx.report(`${name} must be http/protobuf, http/json or grpc, got ${JSON.stringify(raw)}; using http/protobuf for logs.`);
  return "http/protobuf";
}
