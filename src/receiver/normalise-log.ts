/**
 * An accepted `app.log` event → the transport-neutral `ReceivedLog`, read
 * the same way as a record that came through `/v1/logs`.
 */
import type { ReceivedLog } from "./types.js";
import { isPlainObject } from "./validate-event.js";
import { stringRecord } from "./normalise-span.js";

/** `body` has passed `validateEventBody` and `validateLogEvent`. */
export function logFromEvent(body: Record<string, unknown>): ReceivedLog {
  const payload = body.payload as Record<string, unknown>;
  const log: ReceivedLog = {
    traceId: body.traceId as string,
    spanId: body.spanId as string,
    severityNumber: payload.severityNumber as number,
    severityText: payload.severityText as string,
    body: payload.body,
    timeUnixNano: payload.timeUnixNano as string,
    attributes: stringRecord(payload.attributes),
    resource: stringRecord(payload.resource),
    identifier: body.identifier as string,
    via: "event",
  };
  if (typeof body.parentSpanId === "string") log.parentSpanId = body.parentSpanId;
  if (isPlainObject(body.metadata) && typeof body.metadata.framework === "string") log.framework = body.metadata.framework;
  return log;
}
