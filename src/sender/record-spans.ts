/**
 * On the sender: records back into objects the mapping code reads as
 * ReadableSpans (map-span.ts for events, OpenTelemetry's own serializer for
 * OTLP), with one Resource per resource number, so everything that groups
 * or caches by resource identity (the OTLP serializer, the resource mapper)
 * works as it does with the SDK's own spans.
 */
import { createTraceState, type Attributes, type HrTime, type Link, type SpanContext, type SpanStatus } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace-base";
import { PlainResource } from "./plain-resource.js";
import { SPAN, type ResourceRecord, type SpanContextRecord, type SpanRecord } from "./records.js";

/** The resources one app-thread RecordMaker has described, by number. */
export class ResourceTable {
  readonly #byId = new Map<number, Resource>();

  learn(resources: readonly ResourceRecord[]): void {
    for (const record of resources) {
      this.#byId.set(record.id, new PlainResource(record.attributes, record.schemaUrl));
    }
  }

  /** Undefined for number 0 (no resource) or a number never described. */
  get(id: number): Resource | undefined {
    return id === 0 ? undefined : this.#byId.get(id);
  }
}

function spanContextOf(record: SpanContextRecord): SpanContext {
  return contextOf(record.traceId, record.spanId, record.traceFlags, record.traceState, record.isRemote);
}

function contextOf(traceId: string, spanId: string, traceFlags: number, traceState: string | undefined, isRemote: boolean | undefined): SpanContext {
  return {
    traceId,
    spanId,
    traceFlags,
    ...(traceState ? { traceState: createTraceState(traceState) } : {}),
    ...(isRemote !== undefined ? { isRemote } : {}),
  };
}

/** One class, so every span has the same shape for the serializer and `spanContext` lives on the prototype. */
class RecordSpan implements ReadableSpan {
  readonly name: string;
  readonly kind: number;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly ended = true;
  readonly resource: Resource;
  readonly instrumentationScope: ReadableSpan["instrumentationScope"];
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly #record: SpanRecord;

  constructor(record: SpanRecord, resource: Resource | undefined) {
    this.#record = record;
    this.name = record[SPAN.name];
    this.kind = record[SPAN.kind];
    const parentSpanId = record[SPAN.parentSpanId];
    this.parentSpanContext = parentSpanId
      ? contextOf(record[SPAN.parentTraceId] ?? "", parentSpanId, record[SPAN.parentTraceFlags] ?? 0, record[SPAN.parentTraceState], record[SPAN.parentIsRemote])
      : undefined;
    this.startTime = [record[SPAN.startSeconds], record[SPAN.startNanos]];
    this.endTime = [record[SPAN.endSeconds], record[SPAN.endNanos]];
    this.duration = durationOf(this.startTime, this.endTime);
    const message = record[SPAN.statusMessage];
    this.status = message === undefined ? { code: record[SPAN.statusCode] } : { code: record[SPAN.statusCode], message };
    this.attributes = record[SPAN.attributes] ?? {};
    this.events = record[SPAN.events]?.map((event) => ({ ...event })) ?? [];
    this.links = record[SPAN.links]?.map((link) => ({ ...link, context: spanContextOf(link.context) })) ?? [];
    // A hand-made span without a resource: the mapping still names the service (resource.ts).
    this.resource = resource as Resource;
    this.instrumentationScope = scopeOf(record);
    this.droppedAttributesCount = record[SPAN.droppedAttributesCount];
    this.droppedEventsCount = record[SPAN.droppedEventsCount];
    this.droppedLinksCount = record[SPAN.droppedLinksCount];
  }

  spanContext(): SpanContext {
    const record = this.#record;
    return contextOf(record[SPAN.traceId], record[SPAN.spanId], record[SPAN.traceFlags], record[SPAN.traceState], record[SPAN.isRemote]);
  }
}

/** End minus start, as the SDK computes a span's duration (the sender bundle leaves @opentelemetry/core out). */
function durationOf(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

function scopeOf(record: SpanRecord): ReadableSpan["instrumentationScope"] {
  const version = record[SPAN.scopeVersion];
  const schemaUrl = record[SPAN.scopeSchemaUrl];
  return { name: record[SPAN.scopeName], ...(version ? { version } : {}), ...(schemaUrl ? { schemaUrl } : {}) };
}

export function spansFromRecords(records: readonly SpanRecord[], resources: ResourceTable): ReadableSpan[] {
  return records.map((record) => new RecordSpan(record, resources.get(record[SPAN.resource])));
}
