/**
 * The exporter's constructor options and their defaults, resolved once into
 * a frozen settings object.
 */
import type { AxonPushClient } from "../client.js";
import { contentCaptureMode, type ContentCaptureMode } from "./content-capture.js";
import { DEFAULT_MAX_CONTENT_LENGTH } from "./privacy.js";
import type { OtlpEncoding } from "./otlp-request.js";
import type { TransportName } from "./request-builders.js";

export interface AxonPushSpanExporterOptions {
  client: AxonPushClient;
  /** `channel_id` / `X-Axonpush-Channel`; when not set, the current API uses the key's default channel (the first backend needs one). */
  channelId?: string;
  /** Wins over the span resource's `service.name`. */
  serviceName?: string;
  /** Wins over the span resource's `service.version`. */
  serviceVersion?: string;
  /** Sent in the `X-Axonpush-Environment` header and as the resource's `deployment.environment` (never as a body property). */
  environment?: string;
  /**
   * `background` (default): queue and send concurrently. `sync`: one at a time, in order, `sync: true`
   * (with the otlp transport: one batch at a time, in order; OTLP has no persist-first flag).
   */
  mode?: "background" | "sync";
  /**
   * `events` (default): one `POST /event` per span, as `app.span` events.
   * `otlp`: each batch as one OTLP/HTTP request to `/v1/traces` (protobuf, or see `otlpEncoding`), for busy services.
   */
  transport?: "events" | "otlp";
  /** Spans held at most (waiting plus being sent, whichever transport); more are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /**
   * Log records held at most, apart from the spans (an `AxonPushLogRecordProcessor` sends through this
   * exporter's sender: its buffer and the sender's log queue each hold this many). Default 2048.
   */
  maxLogQueueSize?: number;
  /**
   * Parallel requests in background mode to start with. Default 32 with `events` (one request per span: a
   * backend 30 ms away takes about 1,000 spans/s through 32 requests at a time, not 250 through 8), 8 with `otlp`.
   */
  concurrency?: number;
  /**
   * The most parallel requests (and connections) it grows to while requests wait for a far backend and the
   * sending thread is mostly idle. Default 8 × `concurrency` (256 with `events`: a backend 50 ms away then takes
   * about 5,000 spans/s); `concurrency` keeps it fixed.
   */
  maxConcurrency?: number;
  /** Attribute keys to redact, on top of the credential keys always redacted. */
  redactKeys?: string[];
  /** Longest string value sent; longer ones are cut and marked. Default 4096. */
  maxContentLength?: number;
  /**
   * Values under content keys (prompts, messages, tool arguments…), as AxonPush's SDKs treat them:
   * `metadata_only` (default) sends `[REDACTED]`, `redacted` a short preview, `full` the value.
   */
  contentCapture?: ContentCaptureMode;
  /**
   * `transport: "otlp"` only: `protobuf` or `json` (OTLP/HTTP's two encodings). Unset: protobuf, and
   * JSON from then on should the server refuse protobuf (415), the refused batch sent again.
   */
  otlpEncoding?: OtlpEncoding;
  /** How long `shutdown()` waits for the queue to drain. Default 5000. */
  shutdownTimeoutMs?: number;
}

export const DEFAULT_MAX_QUEUE_SIZE = 2048;
export const DEFAULT_MAX_LOG_QUEUE_SIZE = 2048;
/** Requests in flight by default: one per span with `events`, so more of them than for OTLP batches. */
export const DEFAULT_CONCURRENCY = { events: 32, otlp: 8 } as const;
/** How far the parallel requests may grow past where they start, by default (see `maxConcurrency`). */
export const DEFAULT_CONCURRENCY_GROWTH = 8;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

export interface ExporterSettings {
  readonly channelId?: string;
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  readonly environment?: string;
  readonly mode: "background" | "sync";
  readonly transport: TransportName;
  readonly maxQueueSize: number;
  readonly maxLogQueueSize: number;
  /** Already 1 in sync mode. */
  readonly concurrency: number;
  /** At least `concurrency`; 1 in sync mode. */
  readonly maxConcurrency: number;
  readonly redactKeys: readonly string[];
  readonly maxContentLength: number;
  readonly contentCapture: ContentCaptureMode;
  /** Undefined: protobuf until the server refuses it. */
  readonly otlpEncoding?: OtlpEncoding;
  readonly shutdownTimeoutMs: number;
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

export function resolveExporterSettings(options: AxonPushSpanExporterOptions): ExporterSettings {
  const mode = options.mode === "sync" ? "sync" : "background";
  const shutdownTimeoutMs = options.shutdownTimeoutMs;
  const concurrency = mode === "sync" ? 1 : positiveInteger(options.concurrency, DEFAULT_CONCURRENCY[options.transport === "otlp" ? "otlp" : "events"]);
  return Object.freeze({
    // Channel ids are strings in the API; older examples pass numbers.
    channelId: options.channelId === undefined || options.channelId === null ? undefined : nonEmpty(String(options.channelId)),
    serviceName: nonEmpty(options.serviceName),
    serviceVersion: nonEmpty(options.serviceVersion),
    environment: nonEmpty(options.environment),
    mode,
    transport: options.transport === "otlp" ? "otlp" : "events",
    maxQueueSize: positiveInteger(options.maxQueueSize, DEFAULT_MAX_QUEUE_SIZE),
    maxLogQueueSize: positiveInteger(options.maxLogQueueSize, DEFAULT_MAX_LOG_QUEUE_SIZE),
    concurrency,
    // Sync mode sends one at a time, in order: it never grows.
    maxConcurrency: mode === "sync" ? 1 : Math.max(concurrency, positiveInteger(options.maxConcurrency, concurrency * DEFAULT_CONCURRENCY_GROWTH)),
    redactKeys: Object.freeze([...(options.redactKeys ?? [])]),
    maxContentLength: positiveInteger(options.maxContentLength, DEFAULT_MAX_CONTENT_LENGTH),
    contentCapture: contentCaptureMode(options.contentCapture),
    otlpEncoding: options.otlpEncoding === "json" || options.otlpEncoding === "protobuf" ? options.otlpEncoding : undefined,
    shutdownTimeoutMs:
      shutdownTimeoutMs !== undefined && Number.isFinite(shutdownTimeoutMs) && shutdownTimeoutMs >= 0
        ? shutdownTimeoutMs
        : DEFAULT_SHUTDOWN_TIMEOUT_MS,
  });
}
