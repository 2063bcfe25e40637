/**
 * An event becomes an OutgoingRequest exactly once, when it is accepted:
 * the JSON body and the Idempotency-Key are fixed then, so every retry and
 * the exit-time resend send the very same bytes under the very same key.
 */
import { randomUUID } from "node:crypto";
import type { OutgoingRequest } from "../transport/types.js";
import type { AppSpanEvent } from "./event-types.js";

export const EVENT_PATH = "/event";

export function eventToRequest(event: AppSpanEvent): OutgoingRequest {
  return {
    path: EVENT_PATH,
    contentType: "application/json",
    body: JSON.stringify(event),
    idempotencyKey: randomUUID(),
    spanCount: 1,
  };
}
