/**
 * The `app.log` event our exporter must produce: the payload AxonPush's own
 * SDKs build (`{ severityNumber, severityText, body, timeUnixNano,
 * attributes, resource }`, nothing else) and the trace it sits in (its own
 * `spanId`, the span it was written in as `parentSpanId`). As with spans
 * (validate-span-payload.ts), stricter than the API on purpose, so a passing
 * test means the record arrived in the shape AxonPush's views read; answers
 * 422 on every version, in the version's error shape.
 */
import { fieldReply, type Reply } from "./reply.js";
import { SPAN_ID, describe, isPlainObject } from "./validate-event.js";

const PAYLOAD_FIELDS = ["severityNumber", "severityText", "body", "timeUnixNano", "attributes", "resource"];
const UNIX_NANO = /^(0|[1-9][0-9]*)$/;

function invalid(field: string, expected: string, value: unknown): Reply {
  return fieldReply(422, "invalid_log", field, `must be ${expected} (got ${describe(value)})`, value);
}

function checkStringRecord(field: string, value: unknown): Reply | undefined {
  if (!isPlainObject(value)) return invalid(field, "an object", value);
  const bad = Object.keys(value).find((key) => typeof value[key] !== "string");
  return bad === undefined ? undefined : invalid(`${field}[${JSON.stringify(bad)}]`, "a string", value[bad]);
}

function checkTrace(body: Record<string, unknown>): Reply | undefined {
  if (body.traceId === undefined) return invalid("traceId", "present on an app.log event", undefined);
  if (body.spanId === undefined) return invalid("spanId", "present on an app.log event (the record's own id)", undefined);
  if (body.parentSpanId !== undefined) {
    if (typeof body.parentSpanId !== "string" || !SPAN_ID.test(body.parentSpanId)) {
      return invalid("parentSpanId", "16 lowercase hex characters", body.parentSpanId);
    }
    if (body.parentSpanId === body.spanId) return invalid("parentSpanId", "another span's id than the record's own", body.parentSpanId);
  }
  const metadata = body.metadata;
  if (metadata !== undefined && typeof (metadata as Record<string, unknown>).framework !== "string") {
    return invalid("metadata.framework", "a string naming the source (pino, winston, bunyan, console…)", (metadata as Record<string, unknown>).framework);
  }
  return undefined;
}

function checkPayload(payload: Record<string, unknown>): Reply | undefined {
  const extra = Object.keys(payload).find((key) => !PAYLOAD_FIELDS.includes(key));
  if (extra !== undefined) return invalid(`payload.${extra}`, `absent (an app.log payload has ${PAYLOAD_FIELDS.join(", ")})`, payload[extra]);
  const { severityNumber, severityText, body, timeUnixNano, resource } = payload;
  if (!(typeof severityNumber === "number" && Number.isInteger(severityNumber) && severityNumber >= 0 && severityNumber <= 24)) {
    return invalid("payload.severityNumber", "a whole number from 0 to 24", severityNumber);
  }
  if (typeof severityText !== "string") return invalid("payload.severityText", "a string", severityText);
  if (typeof body !== "string") return invalid("payload.body", "a string", body);
  if (!(typeof timeUnixNano === "string" && UNIX_NANO.test(timeUnixNano))) return invalid("payload.timeUnixNano", "a decimal string", timeUnixNano);
  const problem = checkStringRecord("payload.attributes", payload.attributes) ?? checkStringRecord("payload.resource", resource);
  if (problem) return problem;
  const serviceName = (resource as Record<string, string>)["service.name"];
  if (!serviceName) return invalid('payload.resource["service.name"]', "a non-empty string", serviceName);
  return undefined;
}

/** `body` has already passed `validateEventBody`. */
export function validateLogEvent(body: Record<string, unknown>): Reply | undefined {
  return checkTrace(body) ?? checkPayload(body.payload as Record<string, unknown>);
}
