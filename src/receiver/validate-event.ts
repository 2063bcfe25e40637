/**
 * Validation of the `POST /event` body, strict on purpose and per imitated
 * version: a request that passes here has every property that version
 * requires, with the types it requires, and nothing it does not declare.
 * An undeclared property is refused by name the way the version refuses it
 * (nest: 400 `property X should not exist`; go: 422 with
 * `errors[].location = body.X`, `unexpected property`).
 */
import type { ApiDialect } from "./api-versions.js";
import { fieldReply, type Reply } from "./reply.js";

export const TRACE_ID = /^[0-9a-f]{32}$/;
export const SPAN_ID = /^[0-9a-f]{16}$/;
/** RFC 3339 date-time, as JSON Schema's `format: date-time` reads it. */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

const EVENT_TYPES = new Set(["app.span", "app.log", "custom"]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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

type Check = (value: unknown, dialect: ApiDialect) => string | undefined;

const expect = (ok: (value: unknown) => boolean, expected: string): Check => (value) =>
  ok(value) ? undefined : `must be ${expected} (got ${describe(value)})`;

const nonEmptyString = expect(isNonEmptyString, "a non-empty string");
const hex = (pattern: RegExp, length: number) =>
  expect((v) => typeof v === "string" && pattern.test(v), `${length} lowercase hex characters`);

function eventTypeCheck(value: unknown, dialect: ApiDialect): string | undefined {
  if (!dialect.eventTypeIsEnum) return nonEmptyString(value, dialect);
  const known = typeof value === "string" && (EVENT_TYPES.has(value) || /^agent\.[\w.-]+$/.test(value));
  return known ? undefined : `must be one of app.span, app.log, custom, agent.* (got ${describe(value)})`;
}

/** The type of each property any version declares; which ones a version allows is its `declaredProperties`. */
const PROPERTY_CHECKS: Record<string, Check> = {
  identifier: nonEmptyString,
  payload: expect(isPlainObject, "an object"),
  channel_id: nonEmptyString,
  eventType: eventTypeCheck,
  traceId: hex(TRACE_ID, 32),
  spanId: hex(SPAN_ID, 16),
  parentSpanId: hex(SPAN_ID, 16),
  metadata: expect(isPlainObject, "an object"),
  agentId: nonEmptyString,
  sync: expect((v) => typeof v === "boolean", "a boolean"),
  environment: nonEmptyString,
  parentEventId: nonEmptyString,
  dedupKey: expect((v) => isNonEmptyString(v) && v.length <= 255, "a string of 1 to 255 characters"),
  occurredAt: expect((v) => typeof v === "string" && DATE_TIME.test(v), "an RFC 3339 date-time"),
};

/** Checked in this order, so the first problem named is the most basic one. */
const REQUIRED = ["identifier", "payload"];

function undeclared(property: string, value: unknown, dialect: ApiDialect): Reply {
  const reply = fieldReply(dialect.validationStatus, "validation_failed", property, "unexpected property", value);
  reply.problem!.message = `property ${property} should not exist`;
  return reply;
}

export function validateEventBody(body: unknown, dialect: ApiDialect): Reply | undefined {
  if (!isPlainObject(body)) {
    return fieldReply(dialect.validationStatus, "validation_failed", "body", `must be a JSON object (got ${describe(body)})`, undefined);
  }
  for (const property of Object.keys(body)) {
    if (!dialect.declaredProperties.has(property)) return undeclared(property, body[property], dialect);
  }
  const required = dialect.channelRequired ? [...REQUIRED, "channel_id"] : REQUIRED;
  const order = [...required, ...Object.keys(PROPERTY_CHECKS).filter((p) => !required.includes(p))];
  for (const property of order) {
    const value = body[property];
    if (value === undefined && !required.includes(property)) continue;
    const problem = PROPERTY_CHECKS[property]!(value, dialect);
    if (problem) return fieldReply(dialect.validationStatus, "validation_failed", property, problem, value);
  }
  return undefined;
}
