// Hand-built ReadableSpans (and log records) for the mapping tests: full control over every field,
// including times beyond 2^53 nanoseconds that a live clock would not produce.
import { SpanKind, SpanStatusCode, TraceFlags, type HrTime } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { logRecordOf, type LogRecordFields, type LogRecordRecord } from "../src/sender/log-records.js";

export const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
export const SPAN_ID = "b7ad6b7169203331";
export const PARENT_SPAN_ID = "00f067aa0ba902b7";

export function makeSpan(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  const start: HrTime = [1_700_000_000, 123_456_789];
  const end: HrTime = [1_700_000_001, 987_654_321];
  return {
    name: "GET /users/:id",
    kind: SpanKind.SERVER,
    spanContext: () => ({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: { traceId: TRACE_ID, spanId: PARENT_SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true },
    startTime: start,
    endTime: end,
    duration: [1, 864_197_532],
    status: { code: SpanStatusCode.UNSET },
    attributes: { "http.method": "GET", "http.status_code": 200 },
    links: [],
    events: [],
    ended: true,
    resource: resourceFromAttributes({ "service.name": "resource-service", "host.name": "box-1" }),
    instrumentationScope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

export const LOG_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
export const LOG_SPAN_ID = "00f067aa0ba902b7";

/** A pino log record as the app's thread hands it over, in a span; `overrides` change any field. */
export function makeLogRecord(overrides: Partial<LogRecordFields> = {}): LogRecordRecord {
  return logRecordOf({
    seconds: 1_700_000_000,
    nanos: 123_456_789,
    severityNumber: 9,
    severityText: "info",
    body: "user 42 loaded",
    attributes: {},
    droppedAttributesCount: 0,
    traceId: LOG_TRACE_ID,
    spanId: LOG_SPAN_ID,
    traceFlags: 1,
    scope: { name: "@opentelemetry/instrumentation-pino" },
    resource: 0,
    ...overrides,
  });
}
