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
import type { ResourceRecord, SpanContextRecord, SpanRecord } from "./records.js";

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
  return {
    traceId: record.traceId,
    spanId: record.spanId,
    traceFlags: record.traceFlags,
    ...(record.traceState ? { traceState: createTraceState(record.traceState) } : {}),
    ...(record.isRemote !== undefined ? { isRemote: record.isRemote } : {}),
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
  readonly #context: SpanContextRecord;

  constructor(record: SpanRecord, resource: Resource | undefined) {
    this.#context = record.context;
    this.name = record.name;
    this.kind = record.kind;
    this.parentSpanContext = record.parent ? spanContextOf(record.parent) : undefined;
    this.startTime = record.startTime;
    this.endTime = record.endTime;
    this.duration = record.duration;
    this.status = record.status;
    this.attributes = record.attributes ?? {};
    this.events = record.events.map((event) => ({ ...event }));
    this.links = record.links.map((link) => ({ ...link, context: spanContextOf(link.context) }));
    // A hand-made span without a resource: the mapping still names the service (resource.ts).
    this.resource = resource as Resource;
    this.instrumentationScope = record.scope;
    this.droppedAttributesCount = record.droppedAttributesCount;
    this.droppedEventsCount = record.droppedEventsCount;
    this.droppedLinksCount = record.droppedLinksCount;
  }

  spanContext(): SpanContext {
    return spanContextOf(this.#context);
  }
}

export function spansFromRecords(records: readonly SpanRecord[], resources: ResourceTable): ReadableSpan[] {
  return records.map((record) => new RecordSpan(record, resources.get(record.resource)));
}
