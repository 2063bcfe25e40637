/**
 * The wire shape of one log record as an AxonPush event (`POST /event`
 * body): the `app.log` event AxonPush's own SDKs publish, with the trace of
 * the span that was active when the record was written. Accepted by every
 * API version, under the same rules as `app.span` (event-types.ts): only
 * declared properties, `dedupKey` left out for a server that refuses it.
 */
import { PARENT_EVENT_ID_METADATA } from "./event-types.js";

/** Where a record came from, as AxonPush's SDKs name their integrations. */
export type LogFramework = "pino" | "winston" | "bunyan" | "console" | "node" | "opentelemetry";

/** `{ severityNumber, severityText, body, timeUnixNano, attributes, resource }`, as the SDKs build it. */
export interface AppLogPayload {
  /** OpenTelemetry's 1 (TRACE) to 24 (FATAL4); 0 when the record has none. */
  severityNumber: number;
  /** The library's own level name (`info`, `warn`…), else the severity's name (`INFO`); `""` when neither. */
  severityText: string;
  /** The message; a structured body as JSON. Cut at AXONPUSH_MAX_CONTENT_LENGTH. */
  body: string;
  /** Nanoseconds since the epoch, as a decimal string (it exceeds 2^53). */
  timeUnixNano: string;
  /** Every attribute as a string; absent ones dropped. */
  attributes: Record<string, string>;
  /** `service.name`, `service.version`, `deployment.environment` and the rest of the resource, as for spans. */
  resource: Record<string, string>;
}

export interface AppLogMetadata {
  framework: LogFramework;
  /** The id of the span the record was written in, for readers of the old `parentEventId`. */
  [PARENT_EVENT_ID_METADATA]?: string;
}

export interface AppLogEvent {
  /** The logger's name where it has one (pino's and bunyan's `name`), else the library's. */
  identifier: string;
  payload: AppLogPayload;
  channel_id?: string;
  eventType: "app.log";
  /** The trace of the span active when the record was written; a trace of its own outside any span. */
  traceId: string;
  /** The record's own id, so it sits in the trace view as a child of `parentSpanId`. */
  spanId: string;
  /** The span that was active; absent outside any span. */
  parentSpanId?: string;
  metadata: AppLogMetadata;
  sync?: true;
  /** `otel-log:<traceId>:<spanId>`: the record's own, the same on every try. */
  dedupKey: string;
}
