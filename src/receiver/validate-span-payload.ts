/**
 * The `app.span` payload our exporter must produce (the contract's mapping
 * table). The API stores any payload object, so these checks are stricter
 * than the API on purpose: they are what makes a passing exporter test mean
 * "the span arrived in the shape AxonPush's trace views read". Answers 422
 * on every version (rendered in the version's error shape).
 */
import { fieldReply, type Reply } from "./reply.js";
import { SPAN_ID, TRACE_ID, describe, isPlainObject } from "./validate-event.js";

export const SPAN_KINDS = new Set(["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]);
export const SPAN_STATUSES = new Set(["OK", "ERROR", "UNSET"]);
const UNIX_NANO = /^(0|[1-9][0-9]*)$/;

function invalid(field: string, expected: string, value: unknown): Reply {
  return fieldReply(422, "invalid_span", field, `must be ${expected} (got ${describe(value)})`, value);
}

/** Returns the first key whose value is not a string, if any. */
function nonStringEntry(record: Record<string, unknown>): string | undefined {
  return Object.keys(record).find((key) => typeof record[key] !== "string");
}

function checkStringRecord(field: string, value: unknown): Reply | undefined {
  if (!isPlainObject(value)) return invalid(field, "an object", value);
  const bad = nonStringEntry(value);
  if (bad !== undefined) return invalid(`${field}[${JSON.stringify(bad)}]`, "a string", value[bad]);
  return undefined;
}

function checkHexId(field: string, value: unknown, pattern: RegExp, expected: string): Reply | undefined {
  if (typeof value === "string" && pattern.test(value)) return undefined;
  return invalid(field, expected, value);
}

function checkEvents(events: unknown): Reply | undefined {
  if (!Array.isArray(events)) return invalid("payload.events", "an array", events);
  for (const [index, event] of events.entries()) {
    const at = `payload.events[${index}]`;
    if (!isPlainObject(event)) return invalid(at, "an object", event);
    if (typeof event.name !== "string") return invalid(`${at}.name`, "a string", event.name);
    if (!(typeof event.timeUnixNano === "string" && UNIX_NANO.test(event.timeUnixNano))) {
      return invalid(`${at}.timeUnixNano`, "a decimal string", event.timeUnixNano);
    }
    if (event.attributes !== undefined) {
      const problem = checkStringRecord(`${at}.attributes`, event.attributes);
      if (problem) return problem;
    }
  }
  return undefined;
}

function checkLinks(links: unknown): Reply | undefined {
  if (!Array.isArray(links)) return invalid("payload.links", "an array", links);
  for (const [index, link] of links.entries()) {
    const at = `payload.links[${index}]`;
    if (!isPlainObject(link)) return invalid(at, "an object", link);
    const problem =
      checkHexId(`${at}.traceId`, link.traceId, TRACE_ID, "32 lowercase hex characters") ??
      checkHexId(`${at}.spanId`, link.spanId, SPAN_ID, "16 lowercase hex characters") ??
      (link.attributes === undefined ? undefined : checkStringRecord(`${at}.attributes`, link.attributes));
    if (problem) return problem;
  }
  return undefined;
}

function checkTiming(payload: Record<string, unknown>): Reply | undefined {
  const { startTimeUnixNano: start, endTimeUnixNano: end } = payload;
  if (!(typeof start === "string" && UNIX_NANO.test(start))) {
    return invalid("payload.startTimeUnixNano", "a decimal string", start);
  }
  if (!(typeof end === "string" && UNIX_NANO.test(end))) {
    return invalid("payload.endTimeUnixNano", "a decimal string", end);
  }
  if (BigInt(end) < BigInt(start)) {
    return fieldReply(422, "invalid_span", "payload.endTimeUnixNano", "is before payload.startTimeUnixNano", end);
  }
  return undefined;
}

function checkIdentity(body: Record<string, unknown>, payload: Record<string, unknown>): Reply | undefined {
  if (body.traceId === undefined) return invalid("traceId", "present on an app.span event", undefined);
  if (body.spanId === undefined) return invalid("spanId", "present on an app.span event", undefined);
  if (payload.traceId !== undefined && payload.traceId !== body.traceId) {
    return invalid("payload.traceId", `the top-level traceId ${String(body.traceId)}`, payload.traceId);
  }
  if (payload.spanId !== undefined && payload.spanId !== body.spanId) {
    return invalid("payload.spanId", `the top-level spanId ${String(body.spanId)}`, payload.spanId);
  }
  if (payload.parentSpanId !== undefined) {
    const problem = checkHexId("payload.parentSpanId", payload.parentSpanId, SPAN_ID, "16 lowercase hex characters");
    if (problem) return problem;
  }
  // The top-level parentSpanId is what links a child in AxonPush's trace view: it must say what the payload says.
  if (body.parentSpanId !== payload.parentSpanId) {
    const expected = payload.parentSpanId === undefined ? "absent on a root span" : `the parent span id ${String(payload.parentSpanId)} (payload.parentSpanId)`;
    return invalid("parentSpanId", expected, body.parentSpanId);
  }
  if (body.parentEventId !== undefined && payload.parentSpanId !== body.parentEventId) {
    return invalid("parentEventId", "the parent span id (payload.parentSpanId)", body.parentEventId);
  }
  return undefined;
}

function checkNameKindStatus(body: Record<string, unknown>, payload: Record<string, unknown>): Reply | undefined {
  if (typeof payload.name !== "string" || payload.name === "") {
    return invalid("payload.name", "a non-empty string", payload.name);
  }
  if (payload.name !== body.identifier) {
    return invalid("identifier", `the span name ${JSON.stringify(payload.name)}`, body.identifier);
  }
  if (typeof payload.kind !== "string" || !SPAN_KINDS.has(payload.kind)) {
    return invalid("payload.kind", "one of INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER", payload.kind);
  }
  if (typeof payload.status !== "string" || !SPAN_STATUSES.has(payload.status)) {
    return invalid("payload.status", "one of OK, ERROR, UNSET", payload.status);
  }
  if (payload.statusMessage !== undefined && typeof payload.statusMessage !== "string") {
    return invalid("payload.statusMessage", "a string", payload.statusMessage);
  }
  return undefined;
}

function checkResource(resource: unknown): Reply | undefined {
  const problem = checkStringRecord("payload.resource", resource);
  if (problem) return problem;
  const serviceName = (resource as Record<string, string>)["service.name"];
  if (!serviceName) return invalid('payload.resource["service.name"]', "a non-empty string", serviceName);
  return undefined;
}

function checkScope(scope: unknown): Reply | undefined {
  if (!isPlainObject(scope)) return invalid("payload.scope", "an object", scope);
  if (typeof scope.name !== "string") return invalid("payload.scope.name", "a string", scope.name);
  if (scope.version !== undefined && typeof scope.version !== "string") {
    return invalid("payload.scope.version", "a string", scope.version);
  }
  return undefined;
}

/** `body` has already passed `validateEventBody`. */
export function validateSpanEvent(body: Record<string, unknown>): Reply | undefined {
  const payload = body.payload as Record<string, unknown>;
  return (
    checkIdentity(body, payload) ??
    checkNameKindStatus(body, payload) ??
    checkStringRecord("payload.attributes", payload.attributes) ??
    checkTiming(payload) ??
    checkResource(payload.resource) ??
    (payload.events === undefined ? undefined : checkEvents(payload.events)) ??
    (payload.links === undefined ? undefined : checkLinks(payload.links)) ??
    (payload.scope === undefined ? undefined : checkScope(payload.scope))
  );
}
