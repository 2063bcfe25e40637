/**
 * An event becomes an OutgoingRequest exactly once, when it is accepted: the
 * JSON body and the Idempotency-Key are fixed then, so every retry and the
 * exit-time resend send the very same bytes under the very same key.
 *
 * The body is serialised in pieces: the properties every server requires
 * (`head`, one JSON.stringify with the payload) and each optional property on
 * its own. A server that refuses an optional property by name then gets the
 * body without it by concatenation, with no second serialisation of the
 * payload (transport/optional-properties.ts); properties the server has
 * already refused are left out from the start.
 */
import { randomUUID } from "node:crypto";
import { requestFromParts } from "../transport/optional-properties.js";
import type { OutgoingRequest } from "../transport/types.js";
import type { AppSpanEvent } from "./event-types.js";

export const EVENT_PATH = "/event";

/**
 * The properties that may be left out for a server that does not declare them, in body order. Never
 * `identifier`, `payload`, `eventType` (required everywhere) nor `channel_id` (leaving it out would
 * send the span to another channel): a refusal of one of those is reported.
 */
export const OPTIONAL_EVENT_PROPERTIES = ["traceId", "spanId", "parentSpanId", "metadata", "sync", "dedupKey"] as const;

const BASE = { path: EVENT_PATH, contentType: "application/json", spanCount: 1 } as const;

export function eventToRequest(event: AppSpanEvent, refused: ReadonlySet<string> = EMPTY): OutgoingRequest {
  const required: Record<string, unknown> = { identifier: event.identifier, payload: event.payload };
  if (event.channel_id !== undefined) required.channel_id = event.channel_id;
  required.eventType = event.eventType;
  // Without its closing brace: the optional fragments follow, then `}`.
  const head = JSON.stringify(required).slice(0, -1);
  const fragments: [string, string][] = [];
  for (const name of OPTIONAL_EVENT_PROPERTIES) {
    const value = event[name];
    if (value !== undefined) fragments.push([name, `,${JSON.stringify(name)}:${JSON.stringify(value)}`]);
  }
  return requestFromParts(BASE, { head, fragments, baseKey: randomUUID() }, refused);
}

const EMPTY: ReadonlySet<string> = new Set();
