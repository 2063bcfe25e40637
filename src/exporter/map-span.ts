/**
 * One ReadableSpan → one `app.span` event, row by row as the contract's
 * table says (see event-types.ts for the shape).
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { PARENT_EVENT_ID_METADATA, type AppSpanEvent, type AppSpanPayload, type SpanKindName, type SpanStatusName } from "./event-types.js";
import { flatJoin } from "./flat-string.js";
import { hrTimeToNanosString, sendableSpanTimes } from "./hrtime.js";
import { toStringAttributes, type Privacy } from "./privacy.js";
import type { ResourceMapper } from "./resource.js";
import { truncateString } from "./truncate.js";

export interface SpanMapping {
  readonly channelId?: string;
  readonly sync: boolean;
  readonly privacy: Privacy;
  readonly mapResource: ResourceMapper;
}

const KIND_NAMES: Record<number, SpanKindName> = {
  [SpanKind.INTERNAL]: "INTERNAL",
  [SpanKind.SERVER]: "SERVER",
  [SpanKind.CLIENT]: "CLIENT",
  [SpanKind.PRODUCER]: "PRODUCER",
  [SpanKind.CONSUMER]: "CONSUMER",
};

const STATUS_NAMES: Record<number, SpanStatusName> = {
  [SpanStatusCode.UNSET]: "UNSET",
  [SpanStatusCode.OK]: "OK",
  [SpanStatusCode.ERROR]: "ERROR",
};

/** The API rejects an empty identifier; OpenTelemetry allows an empty span name. */
const UNNAMED_SPAN = "(unnamed span)";

export function mapSpan(span: ReadableSpan, mapping: SpanMapping): AppSpanEvent {
  const { traceId, spanId } = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId || undefined;
  const { privacy } = mapping;
  const name = span.name || UNNAMED_SPAN;
  // Undefined when the span's own times are already sendable (see hrtime.ts).
  const times = sendableSpanTimes(span);

  const payload: AppSpanPayload = {
    name,
    kind: KIND_NAMES[span.kind] ?? "INTERNAL",
    status: STATUS_NAMES[span.status.code] ?? "UNSET",
    attributes: toStringAttributes(span.attributes, privacy),
    startTimeUnixNano: hrTimeToNanosString(times?.startTime ?? span.startTime),
    endTimeUnixNano: hrTimeToNanosString(times?.endTime ?? span.endTime),
    resource: mapping.mapResource(span.resource),
    traceId,
    spanId,
    events: span.events.map((event, i) => ({
      name: event.name,
      timeUnixNano: hrTimeToNanosString(times?.eventTimes[i] ?? event.time),
      attributes: toStringAttributes(event.attributes, privacy),
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: toStringAttributes(link.attributes, privacy),
    })),
    scope: scopeOf(span),
  };
  if (span.status.message) payload.statusMessage = truncateString(span.status.message, privacy.maxContentLength);
  if (parentSpanId) payload.parentSpanId = parentSpanId;

  const event: AppSpanEvent = {
    identifier: name,
    payload,
    eventType: "app.span",
    traceId,
    spanId,
    metadata: parentSpanId ? { framework: "opentelemetry", [PARENT_EVENT_ID_METADATA]: parentSpanId } : { framework: "opentelemetry" },
    dedupKey: dedupKeyOf(traceId, spanId),
  };
  if (mapping.channelId) event.channel_id = mapping.channelId;
  if (parentSpanId) event.parentSpanId = parentSpanId;
  if (mapping.sync) event.sync = true;
  return event;
}

/** What the .NET SDK sends: one span, one key, whichever try or process sends it. Flat: see flat-string.ts. */
export function dedupKeyOf(traceId: string, spanId: string): string {
  return flatJoin("otel:", traceId, ":", spanId);
}

function scopeOf(span: ReadableSpan): { name: string; version?: string } {
  const scope = span.instrumentationScope;
  return scope.version ? { name: scope.name, version: scope.version } : { name: scope.name };
}
