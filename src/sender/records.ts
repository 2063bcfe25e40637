/**
 * What crosses from the app's thread to the sender thread: each ended span as
 * a plain record (no functions, no reference into the SDK, so `postMessage`
 * can clone it), and each resource once, by number.
 *
 * This is the only per-span work left on the app's thread: copying a few
 * fields by reference. Mapping to events, privacy rules, serialising, HTTP
 * and retries all happen on the sender (records-to-spans.ts rebuilds what the
 * mapping code reads from a record).
 */
import type { Attributes, HrTime, SpanStatus } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { ResourceNumbers } from "./resource-numbers.js";

export interface SpanContextRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  /** `traceState.serialize()`, when there is one. */
  readonly traceState?: string;
  readonly isRemote?: boolean;
}

export interface EventRecord {
  readonly name: string;
  readonly time: HrTime;
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
}

export interface LinkRecord {
  readonly context: SpanContextRecord;
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
}

export interface ScopeRecord {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

export interface SpanRecord {
  readonly name: string;
  readonly kind: number;
  readonly context: SpanContextRecord;
  /** The parent span's context; undefined for a root span. */
  readonly parent: SpanContextRecord | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly events: readonly EventRecord[];
  readonly links: readonly LinkRecord[];
  readonly scope: ScopeRecord;
  /** The resource's number (ResourceRecord.id); 0 for a hand-made span without one. */
  readonly resource: number;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

export interface ResourceRecord {
  readonly id: number;
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
}

/** Records for one hand-over, with the resources the sender has not been told about yet. */
export interface RecordBatch {
  readonly spans: SpanRecord[];
  readonly resources: ResourceRecord[];
  /** Spans that could not be read (a hand-built object that is not a span): counted as lost. */
  readonly unreadable: number;
}

/**
 * Turns spans into records for one sender. Each resource is numbered the
 * first time it is seen and described in that batch only; the sender keeps
 * the table (resource-numbers.ts).
 */
export class RecordMaker {
  readonly #resources = new ResourceNumbers();

  toRecords(spans: readonly ReadableSpan[]): RecordBatch {
    const records: SpanRecord[] = [];
    const resources: ResourceRecord[] = [];
    let unreadable = 0;
    for (const span of spans) {
      // A hand-built object that is not a span must not stop the others.
      try {
        records.push(spanRecord(span, this.#resources.numberOf(span.resource, resources)));
      } catch {
        unreadable += 1;
      }
    }
    return { spans: records, resources, unreadable };
  }
}

export function contextRecord(context: {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: { serialize(): string };
  isRemote?: boolean;
}): SpanContextRecord {
  const traceState = context.traceState?.serialize();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    ...(traceState ? { traceState } : {}),
    ...(context.isRemote !== undefined ? { isRemote: context.isRemote } : {}),
  };
}

function spanRecord(span: ReadableSpan, resource: number): SpanRecord {
  const scope = span.instrumentationScope;
  const parent = span.parentSpanContext;
  return {
    name: span.name,
    kind: span.kind,
    context: contextRecord(span.spanContext()),
    parent: parent?.spanId ? contextRecord(parent) : undefined,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    events: span.events.length === 0 ? [] : span.events.map(eventRecord),
    links: span.links.length === 0 ? [] : span.links.map(linkRecord),
    scope: { name: scope?.name ?? "", ...(scope?.version ? { version: scope.version } : {}), ...(scope?.schemaUrl ? { schemaUrl: scope.schemaUrl } : {}) },
    resource,
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    droppedEventsCount: span.droppedEventsCount ?? 0,
    droppedLinksCount: span.droppedLinksCount ?? 0,
  };
}

function eventRecord(event: ReadableSpan["events"][number]): EventRecord {
  return {
    name: event.name,
    time: event.time,
    ...(event.attributes ? { attributes: event.attributes } : {}),
    ...(event.droppedAttributesCount ? { droppedAttributesCount: event.droppedAttributesCount } : {}),
  };
}

function linkRecord(link: ReadableSpan["links"][number]): LinkRecord {
  return {
    context: contextRecord(link.context),
    ...(link.attributes ? { attributes: link.attributes } : {}),
    ...(link.droppedAttributesCount ? { droppedAttributesCount: link.droppedAttributesCount } : {}),
  };
}
