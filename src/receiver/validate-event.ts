/**
 * Validation of the `POST /event` body (CreateEventDto), strict on purpose:
 * a request that passes here has every field the API requires, with the
 * types it requires, and nothing it does not know. Answers 400 naming the
 * field, as the API's validation layer does.
 */
import { errorReply, type Reply } from "./reply.js";

export const TRACE_ID = /^[0-9a-f]{32}$/;
export const SPAN_ID = /^[0-9a-f]{16}$/;

const KNOWN_FIELDS = new Set([
  "identifier",
  "payload",
  "channel_id",
  "eventType",
  "traceId",
  "spanId",
  "parentEventId",
  "metadata",
  "environment",
  "sync",
]);

const EVENT_TYPES = new Set(["app.span", "app.log", "custom"]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(field: string, expected: string, value: unknown): Reply {
  return errorReply(400, "validation_failed", `${field} must be ${expected} (got ${describe(value)})`);
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${typeof value === "object" ? "" : String(value)}`.trim();
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

export function validateEventBody(body: unknown): Reply | undefined {
  if (!isPlainObject(body)) return invalid("body", "a JSON object", body);
  for (const field of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(field)) {
      return errorReply(400, "validation_failed", `property ${field} should not exist`);
    }
  }
  if (!isNonEmptyString(body.identifier)) return invalid("identifier", "a non-empty string", body.identifier);
  if (!isPlainObject(body.payload)) return invalid("payload", "an object", body.payload);
  if (!isNonEmptyString(body.channel_id)) return invalid("channel_id", "a non-empty string", body.channel_id);

  const { eventType } = body;
  if (eventType !== undefined) {
    const known = typeof eventType === "string" && (EVENT_TYPES.has(eventType) || /^agent\.[\w.-]+$/.test(eventType));
    if (!known) return invalid("eventType", "one of app.span, app.log, custom, agent.*", eventType);
  }
  if (body.traceId !== undefined && !(typeof body.traceId === "string" && TRACE_ID.test(body.traceId))) {
    return invalid("traceId", "32 lowercase hex characters", body.traceId);
  }
  if (body.spanId !== undefined && !(typeof body.spanId === "string" && SPAN_ID.test(body.spanId))) {
    return invalid("spanId", "16 lowercase hex characters", body.spanId);
  }
  if (body.parentEventId !== undefined && !isNonEmptyString(body.parentEventId)) {
    return invalid("parentEventId", "a non-empty string", body.parentEventId);
  }
  if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
    return invalid("metadata", "an object", body.metadata);
  }
  if (body.environment !== undefined && !isNonEmptyString(body.environment)) {
    return invalid("environment", "a non-empty string", body.environment);
  }
  if (body.sync !== undefined && typeof body.sync !== "boolean") {
    return invalid("sync", "a boolean", body.sync);
  }
  return undefined;
}
