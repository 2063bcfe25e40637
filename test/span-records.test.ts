// What crosses to the sender thread: each span as one positional record, and
// back on the sender as a ReadableSpan with every field the mapping and the
// OTLP serializer read, exactly as the app's span had it.
import { createTraceState, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { ResourceTable, spansFromRecords } from "../src/sender/record-spans.js";
import { RecordMaker, SPAN } from "../src/sender/records.js";
import { makeSpan, PARENT_SPAN_ID, SPAN_ID, TRACE_ID } from "./mapping-fixture.js";

/** App thread → structured clone (what postMessage does) → sender thread. */
function crossed(spans: readonly ReadableSpan[]): ReadableSpan[] {
  const batch = structuredClone(new RecordMaker().toRecords(spans));
  const resources = new ResourceTable();
  resources.learn(batch.resources);
  return spansFromRecords(batch.spans, resources);
}

/** Everything a ReadableSpan says, as plain data. */
function view(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    context: span.spanContext(),
    parent: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    scope: span.instrumentationScope,
    resource: span.resource.attributes,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
  };
}

const traceState = createTraceState("vendor=a1,other=b2");

const everything = makeSpan({
  kind: SpanKind.CLIENT,
  spanContext: () => ({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, traceState, isRemote: false }),
  parentSpanContext: { traceId: TRACE_ID, spanId: PARENT_SPAN_ID, traceFlags: TraceFlags.NONE, traceState, isRemote: true },
  status: { code: SpanStatusCode.ERROR, message: "upstream said no" },
  attributes: { "http.request.method": "GET", "http.response.status_code": 503, retried: true, tags: ["a", "b"] },
  events: [{ name: "exception", time: [1_700_000_000, 500], attributes: { "exception.message": "boom" }, droppedAttributesCount: 2 }],
  links: [{ context: { traceId: "f".repeat(32), spanId: "e".repeat(16), traceFlags: TraceFlags.SAMPLED, traceState }, attributes: { why: "retry" } }],
  instrumentationScope: { name: "@opentelemetry/instrumentation-undici", version: "0.20.0", schemaUrl: "https://opentelemetry.io/schemas/1.30.0" },
  droppedAttributesCount: 3,
  droppedEventsCount: 4,
  droppedLinksCount: 5,
});

describe("span records: one positional record per span, the same span on the sender", () => {
  it("keeps every field: contexts with trace state and remoteness, times, status, attributes, events, links, scope, resource, dropped counts", () => {
    const [back] = crossed([everything]);
    const expected = view(everything);
    const got = view(back!);
    // A trace state crosses as its serialised text; compare it that way.
    expect(got.context.traceState?.serialize()).toBe("vendor=a1,other=b2");
    expect(got.parent?.traceState?.serialize()).toBe("vendor=a1,other=b2");
    expect(got.links[0]!.context.traceState?.serialize()).toBe("vendor=a1,other=b2");
    const withoutStates = (v: ReturnType<typeof view>) => ({
      ...v,
      context: { ...v.context, traceState: undefined },
      parent: { ...v.parent, traceState: undefined },
      links: v.links.map((link) => ({ ...link, context: { ...link.context, traceState: undefined } })),
    });
    expect(withoutStates(got)).toEqual(withoutStates(expected));
  });

  it("a root span crosses without a parent, a span with no events or links with empty lists", () => {
    const [back] = crossed([makeSpan({ parentSpanContext: undefined })]);
    expect(back!.parentSpanContext).toBeUndefined();
    expect(back!.events).toEqual([]);
    expect(back!.links).toEqual([]);
    expect(back!.spanContext()).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  });

  it("a span copied by spread (which loses the SDK's `duration` getter) still crosses, its duration from its times", () => {
    const { duration: _lost, ...copied } = makeSpan();
    const [back] = crossed([copied as ReadableSpan]);
    expect(back!.duration).toEqual([1, 864_197_532]);
  });

  it("is one array of values per span: no object per context, time or scope for postMessage to clone", () => {
    const { spans } = new RecordMaker().toRecords([makeSpan()]);
    const record = spans[0]!;
    expect(Array.isArray(record)).toBe(true);
    expect(record).toHaveLength(Object.keys(SPAN).length);
    // Only the span's own attribute object is an object; everything else is a string, number, boolean or undefined.
    const objects = record.filter((value) => typeof value === "object" && value !== null);
    expect(objects).toEqual([makeSpan().attributes]);
  });
});
