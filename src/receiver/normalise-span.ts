/**
 * Turns an accepted `app.span` event into the transport-neutral
 * `ReceivedSpan`, so tests and the dev printer read spans the same way
 * whichever ingest (events or OTLP) carried them.
 */
import type { ReceivedSpan } from "./types.js";
import { isPlainObject } from "./validate-event.js";

export function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) return out;
  for (const [key, entry] of Object.entries(value)) out[key] = String(entry);
  return out;
}

/** `body` has passed `validateEventBody` and `validateSpanEvent`. */
export function spanFromEvent(body: Record<string, unknown>): ReceivedSpan {
  const payload = body.payload as Record<string, unknown>;
  const parentSpanId = (payload.parentSpanId ?? body.parentSpanId ?? body.parentEventId) as string | undefined;
  const span: ReceivedSpan = {
    traceId: body.traceId as string,
    spanId: body.spanId as string,
    name: payload.name as string,
    kind: payload.kind as string,
    status: payload.status as string,
    attributes: stringRecord(payload.attributes),
    resource: stringRecord(payload.resource),
    startTimeUnixNano: payload.startTimeUnixNano as string,
    endTimeUnixNano: payload.endTimeUnixNano as string,
    events: Array.isArray(payload.events) ? payload.events : [],
    links: Array.isArray(payload.links) ? payload.links : [],
    via: "event",
  };
  if (parentSpanId !== undefined) span.parentSpanId = parentSpanId;
  if (typeof payload.statusMessage === "string") span.statusMessage = payload.statusMessage;
  if (isPlainObject(payload.scope) && typeof payload.scope.name === "string") {
    span.scope = { name: payload.scope.name };
    if (typeof payload.scope.version === "string") span.scope.version = payload.scope.version;
  }
  return span;
}
