/**
 * The body of `POST /v1/traces` → one plain ExportTraceServiceRequest in the
 * OTLP/JSON shape (lowerCamelCase names, hex trace and span ids, 64-bit
 * integers as decimal strings, bytes as base64), whichever encoding carried
 * it. Protobuf and JSON then share one reader (otlp-spans.ts), and what a
 * test finds in `receiver.events[i].body` looks the same for both.
 */
import type { OtlpTraceTypes } from "./otlp-schema.js";
import { isPlainObject } from "./validate-event.js";

export type OtlpEncoding = "protobuf" | "json";

export type DecodedOtlpRequest =
  | { ok: true; request: Record<string, unknown> }
  | { ok: false; message: string };

/** `application/x-protobuf` or `application/json` (parameters ignored); anything else is unsupported. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return undefined;
}

export function decodeOtlpRequest(
  body: Buffer,
  encoding: OtlpEncoding,
  types: OtlpTraceTypes | undefined,
): DecodedOtlpRequest {
  return encoding === "json" ? decodeJson(body) : decodeProtobuf(body, types);
}

function decodeJson(body: Buffer): DecodedOtlpRequest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, message: "body is not valid JSON" };
  }
  if (!isPlainObject(value)) return { ok: false, message: "body must be a JSON object (an OTLP export request)" };
  return { ok: true, request: value };
}

function decodeProtobuf(body: Buffer, types: OtlpTraceTypes | undefined): DecodedOtlpRequest {
  if (!types) return { ok: false, message: "this receiver cannot decode protobuf (protobufjs did not load); send JSON" };
  let request: Record<string, unknown>;
  try {
    const message = types.request.decode(body);
    request = types.request.toObject(message, { longs: String, bytes: String, defaults: false, arrays: true });
  } catch (error) {
    return { ok: false, message: `body is not a protobuf ${types.request.name} (${(error as Error).message})` };
  }
  idsToHex(request);
  return { ok: true, request };
}

/** protobufjs renders `bytes` as base64; OTLP/JSON writes trace and span ids as hex. */
function idsToHex(request: Record<string, unknown>): void {
  for (const resourceSpans of list(request.resourceSpans)) {
    for (const scopeSpans of list(resourceSpans.scopeSpans)) {
      for (const span of list(scopeSpans.spans)) {
        convertIds(span, ["traceId", "spanId", "parentSpanId"]);
        for (const link of list(span.links)) convertIds(link, ["traceId", "spanId"]);
      }
    }
  }
  for (const resourceLogs of list(request.resourceLogs)) {
    for (const scopeLogs of list(resourceLogs.scopeLogs)) {
      for (const record of list(scopeLogs.logRecords)) convertIds(record, ["traceId", "spanId"]);
    }
  }
}

function convertIds(record: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === "string") record[field] = Buffer.from(value, "base64").toString("hex");
  }
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}
