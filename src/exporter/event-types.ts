/**
 * The wire shape of one span as an AxonPush event (`POST /event` body, with
 * the `app.span` payload of the contract), accepted by every API version.
 */

export type SpanKindName = "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
export type SpanStatusName = "OK" | "ERROR" | "UNSET";

export interface SpanEventPayload {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, string>;
}

export interface SpanLinkPayload {
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
}

export interface AppSpanPayload {
  name: string;
  kind: SpanKindName;
  status: SpanStatusName;
  /** Only when the span's status carries a message (usually with ERROR). */
  statusMessage?: string;
  attributes: Record<string, string>;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  resource: Record<string, string>;
  traceId: string;
  spanId: string;
  /** Only for spans with a parent. */
  parentSpanId?: string;
  events: SpanEventPayload[];
  links: SpanLinkPayload[];
  scope: { name: string; version?: string };
}

/** What the first backend called `parentEventId` lives on here, as the official TypeScript SDK keeps it. */
export const PARENT_EVENT_ID_METADATA = "axonpush.parent_event_id";

export interface AppSpanMetadata {
  framework: "opentelemetry";
  /** The parent span id, for readers of the old `parentEventId`; absent for a root span. */
  [PARENT_EVENT_ID_METADATA]?: string;
}

/**
 * Only properties every API version declares, plus `dedupKey` (declared by the
 * current API; left out for a server that refuses it). Never `environment` or
 * `parentEventId`: the current API refuses both (the environment travels in
 * the `X-Axonpush-Environment` header and the payload's resource).
 */
export interface AppSpanEvent {
  identifier: string;
  payload: AppSpanPayload;
  /** Only when a channel is configured; otherwise the current API uses the key's default channel. */
  channel_id?: string;
  eventType: "app.span";
  traceId: string;
  spanId: string;
  /** The parent span's id: how a child is linked; absent for a root span. */
  parentSpanId?: string;
  metadata: AppSpanMetadata;
  /** Only in sync mode: the first backend persists before answering (the current one ignores it). */
  sync?: true;
  /** `otel:<traceId>:<spanId>`, the same on every try: the current API stores events sharing it once. */
  dedupKey: string;
}
