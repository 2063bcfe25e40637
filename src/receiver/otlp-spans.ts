/**
 * Reads the spans out of a decoded ExportTraceServiceRequest (OTLP/JSON
 * shape, see otlp-decode.ts) into `ReceivedSpan`s with the same normalised
 * fields as the events ingest: kind and status by name, attributes and
 * resource as strings, times as decimal strings.
 *
 * A span that breaks the protocol (bad ids, unknown kind, end before start,
 * a resource without `service.name`) is rejected on its own and counted, as
 * an OTLP endpoint reports it through `partial_success`; the rest are kept.
 */
import { keyValuesToStrings } from "./otlp-attributes.js";
import { fail, HEX_SPAN_ID, HEX_TRACE_ID, hexId, list, readOtlpItems, unixNano } from "./otlp-read.js";
import type { ReceivedSpan } from "./types.js";
import { isPlainObject } from "./validate-event.js";

export interface ReadOtlpSpans {
  spans: ReceivedSpan[];
  rejected: number;
  /** The first rejection's reason, for the partial-success message. */
  firstProblem?: string;
}

/** OTLP's SpanKind numbers; 0 (unspecified) is read as INTERNAL, as the specification says. */
const KINDS = ["INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const STATUSES = ["UNSET", "OK", "ERROR"];

function enumName(value: unknown, names: readonly string[], field: string): string {
  const index = value === undefined ? 0 : value;
  if (typeof index !== "number" || !Number.isInteger(index) || names[index] === undefined) {
    fail(`${field} must be one of 0..${names.length - 1} (got ${JSON.stringify(value)})`);
  }
  return names[index]!;
}

function readSpan(raw: Record<string, unknown>, resource: Record<string, string>, scope: ReceivedSpan["scope"]): ReceivedSpan {
  const span: ReceivedSpan = {
    traceId: hexId(raw.traceId, HEX_TRACE_ID, "traceId"),
    spanId: hexId(raw.spanId, HEX_SPAN_ID, "spanId"),
    name: typeof raw.name === "string" ? raw.name : fail("name must be a string"),
    kind: enumName(raw.kind, KINDS, "kind"),
    status: "UNSET",
    attributes: keyValuesToStrings(raw.attributes),
    resource,
    startTimeUnixNano: unixNano(raw.startTimeUnixNano, "startTimeUnixNano"),
    endTimeUnixNano: unixNano(raw.endTimeUnixNano, "endTimeUnixNano"),
    events: list(raw.events, "events").map((event) => ({
      name: typeof event.name === "string" ? event.name : "",
      timeUnixNano: unixNano(event.timeUnixNano ?? "0", "events[].timeUnixNano"),
      attributes: keyValuesToStrings(event.attributes),
    })),
    links: list(raw.links, "links").map((link) => ({
      traceId: hexId(link.traceId, HEX_TRACE_ID, "links[].traceId"),
      spanId: hexId(link.spanId, HEX_SPAN_ID, "links[].spanId"),
      attributes: keyValuesToStrings(link.attributes),
    })),
    via: "otlp",
  };
  if (BigInt(span.endTimeUnixNano) < BigInt(span.startTimeUnixNano)) fail("endTimeUnixNano is before startTimeUnixNano");
  // An empty parent id means "root span" in OTLP.
  if (raw.parentSpanId !== undefined && raw.parentSpanId !== "") {
    span.parentSpanId = hexId(raw.parentSpanId, HEX_SPAN_ID, "parentSpanId");
  }
  if (raw.status !== undefined) {
    if (!isPlainObject(raw.status)) fail("status must be an object");
    span.status = enumName(raw.status.code, STATUSES, "status.code");
    if (typeof raw.status.message === "string" && raw.status.message !== "") span.statusMessage = raw.status.message;
  }
  if (scope) span.scope = { ...scope };
  return span;
}

/** Throws a plain Error (→ 400) only when the request's outer shape is wrong. */
export function readOtlpSpans(request: Record<string, unknown>): ReadOtlpSpans {
  const { items, ...counts } = readOtlpItems(request, { resources: "resourceSpans", scopes: "scopeSpans", items: "spans" }, readSpan);
  return { spans: items, ...counts };
}
