/**
 * What crosses from the app's thread to the sender thread: each ended span as
 * a plain record (no functions, no reference into the SDK, so `postMessage`
 * can clone it), and each resource once, by number.
 *
 * This is the only per-span work left on the app's thread: copying a few
 * fields by reference. Mapping to events, privacy rules, serialising, HTTP
 * and retries all happen on the sender (record-spans.ts rebuilds what the
 * mapping code reads from a record).
 */
import type { Attributes, HrTime } from "@opentelemetry/api";
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

/**
 * One ended span, as a tuple: a batch crosses with `postMessage`, whose
 * structured clone writes every property name of every object again, so an
 * object per span (with its context, parent, times and scope as objects of
 * their own) cost 3.0–3.5 µs a span to clone, about half of it on the app's
 * thread; positional fields in one array cost 1.3–1.9 µs (Node 20 and 26,
 * bench/FINDINGS.md). Read it with the `SPAN` positions. No duration: the
 * sender computes it from the times, as the SDK does.
 */
export type SpanRecord = readonly [
  name: string,
  kind: number,
  traceId: string,
  spanId: string,
  traceFlags: number,
  /** `traceState.serialize()`, when there is one. */
  traceState: string | undefined,
  isRemote: boolean | undefined,
  /** The parent's context, each field undefined for a root span. */
  parentTraceId: string | undefined,
  parentSpanId: string | undefined,
  parentTraceFlags: number | undefined,
  parentTraceState: string | undefined,
  parentIsRemote: boolean | undefined,
  startSeconds: number,
  startNanos: number,
  endSeconds: number,
  endNanos: number,
  statusCode: number,
  statusMessage: string | undefined,
  attributes: Attributes,
  /** Undefined when the span has none. */
  events: readonly EventRecord[] | undefined,
  links: readonly LinkRecord[] | undefined,
  scopeName: string,
  scopeVersion: string | undefined,
  scopeSchemaUrl: string | undefined,
  /** The resource's number (ResourceRecord.id); 0 for a hand-made span without one. */
  resource: number,
  droppedAttributesCount: number,
  droppedEventsCount: number,
  droppedLinksCount: number,
];

/** Where each field of a SpanRecord is. */
export const SPAN = {
  name: 0,
  kind: 1,
  traceId: 2,
  spanId: 3,
  traceFlags: 4,
  traceState: 5,
  isRemote: 6,
  parentTraceId: 7,
  parentSpanId: 8,
  parentTraceFlags: 9,
  parentTraceState: 10,
  parentIsRemote: 11,
  startSeconds: 12,
  startNanos: 13,
  endSeconds: 14,
  endNanos: 15,
  statusCode: 16,
  statusMessage: 17,
  attributes: 18,
  events: 19,
  links: 20,
  scopeName: 21,
  scopeVersion: 22,
  scopeSchemaUrl: 23,
  resource: 24,
  droppedAttributesCount: 25,
  droppedEventsCount: 26,
  droppedLinksCount: 27,
} as const;

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

function contextRecord(context: {
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
  const context = span.spanContext();
  // Read the parent only when it names a span, as the mapping does: a context without a span id is no parent.
  const parent = span.parentSpanContext?.spanId ? span.parentSpanContext : undefined;
  const { startTime, endTime, status } = span;
  return [
    span.name,
    span.kind,
    context.traceId,
    context.spanId,
    context.traceFlags,
    context.traceState?.serialize() || undefined,
    context.isRemote,
    parent?.traceId,
    parent?.spanId,
    parent?.traceFlags,
    parent?.traceState?.serialize() || undefined,
    parent?.isRemote,
    startTime[0],
    startTime[1],
    endTime[0],
    endTime[1],
    status.code,
    status.message,
    span.attributes,
    span.events.length === 0 ? undefined : span.events.map(eventRecord),
    span.links.length === 0 ? undefined : span.links.map(linkRecord),
    scope?.name ?? "",
    scope?.version || undefined,
    scope?.schemaUrl || undefined,
    resource,
    span.droppedAttributesCount ?? 0,
    span.droppedEventsCount ?? 0,
    span.droppedLinksCount ?? 0,
  ];
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
