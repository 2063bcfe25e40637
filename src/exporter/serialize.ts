/**
 * An event becomes an OutgoingRequest exactly once, when it is accepted: the
 * JSON body and the Idempotency-Key are fixed then, so every retry and the
 * exit-time resend send the very same bytes under the very same key.
 *
 * Properties the server has already refused by name are left out from the
 * start (one serialisation either way); the request lists its optional
 * properties so one refused later can be left out too
 * (transport/optional-properties.ts).
 */
import { randomUUID } from "node:crypto";
import { leftOutNames, variantKey } from "../transport/optional-properties.js";
import type { OutgoingRequest } from "../transport/types.js";
import { eventJson } from "./event-json.js";
import type { AppSpanEvent } from "./event-types.js";
import type { AppLogEvent } from "./log-event-types.js";

/** Either event we send; both carry the same optional properties. */
export type AxonPushEvent = AppSpanEvent | AppLogEvent;

export const EVENT_PATH = "/event";

/**
 * The properties that may be left out for a server that does not declare them, in body order. Never
 * `identifier`, `payload`, `eventType` (required everywhere) nor `channel_id` (leaving it out would
 * send the span to another channel): a refusal of one of those is reported.
 */
export const OPTIONAL_EVENT_PROPERTIES = ["traceId", "spanId", "parentSpanId", "metadata", "sync", "dedupKey"] as const;

const NONE: ReadonlySet<string> = new Set();

export function eventToRequest(event: AxonPushEvent, refused: ReadonlySet<string> = NONE): OutgoingRequest {
  const names: string[] = [];
  for (const name of OPTIONAL_EVENT_PROPERTIES) if (event[name] !== undefined) names.push(name);
  const leftOut = refused.size === 0 ? [] : leftOutNames(names, refused);
  const baseKey = randomUUID();
  return {
    path: EVENT_PATH,
    contentType: "application/json",
    body: eventJson(leftOut.length === 0 ? event : (omit(event, leftOut) as AxonPushEvent)),
    idempotencyKey: variantKey(baseKey, leftOut),
    spanCount: 1,
    optional: { names, baseKey, leftOut },
  };
}

function omit(event: AxonPushEvent, names: readonly string[]): Partial<AxonPushEvent> {
  const copy: Record<string, unknown> = { ...event };
  for (const name of names) delete copy[name];
  return copy as Partial<AxonPushEvent>;
}
