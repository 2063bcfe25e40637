/**
 * The AxonPush client and exporter a configuration describes: one mapping,
 * used by the preload (sdk.ts) and by `axonpush-otel check`, so the check
 * sends exactly as the preload would.
 */
import { AxonPushClient, type AxonPushClientOptions } from "../client.js";
import type { AxonPushOtelConfig } from "../config/types.js";
import type { AxonPushSpanExporterOptions } from "../exporter/index.js";

/** `overrides`: what the caller does differently (the check sends once, without retries). */
export function clientFor(config: AxonPushOtelConfig, overrides: Partial<AxonPushClientOptions> = {}): AxonPushClient {
  return new AxonPushClient({
    apiKey: config.apiKey ?? "",
    tenantId: config.tenantId,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    ...overrides,
  });
}

export function exporterOptionsFor(config: AxonPushOtelConfig, client: AxonPushClient): AxonPushSpanExporterOptions {
  return {
    client,
    channelId: config.channelId,
    serviceName: config.serviceName,
    serviceVersion: config.serviceVersion,
    environment: config.environment,
    mode: config.mode,
    transport: config.transport,
    maxQueueSize: config.queueSize,
    maxLogQueueSize: config.logs.queueSize,
    redactKeys: [...config.redactKeys],
    maxContentLength: config.maxContentLength,
    contentCapture: config.contentCapture,
    otlpEncoding: otlpEncodingFor(config),
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  };
}

/** OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL, when set; else the exporter's own choice (protobuf, JSON if refused). */
function otlpEncodingFor(config: AxonPushOtelConfig): AxonPushSpanExporterOptions["otlpEncoding"] {
  const protocol = config.otlpTraces.protocol;
  return protocol === "http/json" ? "json" : protocol === "http/protobuf" ? "protobuf" : undefined;
}
