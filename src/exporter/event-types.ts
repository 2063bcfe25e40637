/**
 * The wire shape of one span as an AxonPush event (`POST /event` body, the
 * API's CreateEventDto with the `app.span` payload of the contract).
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

export interface AppSpanEvent {
  identifier: string;
  payload: AppSpanPayload;
  channel_id: string;
  eventType: "app.span";
  traceId: string;
  spanId: string;
  /** The parent span id, as the reference exporter does; absent for a root span. */
  parentEventId?: string;
  metadata: { framework: "opentelemetry" };
  environment?: string;
  /** Only in sync mode: the server persists before answering. */
  sync?: true;
}
