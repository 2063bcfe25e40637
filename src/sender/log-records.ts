/**
 * What crosses from the app's thread to the sender for log records, like
 * records.ts for spans: each emitted record as plain data (fields copied by
 * reference, no functions, no reference into the SDK), each resource once,
 * by number. Mapping to `app.log` events or OTLP, privacy rules, ids,
 * serialising and HTTP all happen on the sender (log-request-maker.ts).
 *
 * Flat on purpose: `postMessage` clones object by object, and a log storm
 * is many records, so times are numbers and the active span's ids fields of
 * the record itself (two objects a record, not five; measured in
 * `npm run bench logs`).
 */
import type { HrTime } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { ResourceRecord, ScopeRecord } from "./records.js";
import { ResourceNumbers } from "./resource-numbers.js";

export interface LogRecordRecord {
  /** `hrTime`: seconds and nanoseconds. */
  readonly seconds: number;
  readonly nanos: number;
  /** `hrTimeObserved`, when it is another time than `hrTime`. */
  readonly observedSeconds?: number;
  readonly observedNanos?: number;
  readonly severityNumber?: number;
  readonly severityText?: string;
  /** Any OpenTelemetry AnyValue: a string mostly, else numbers, arrays, maps, bytes. */
  readonly body?: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount: number;
  readonly eventName?: string;
  /** The span that was active when the record was written; undefined outside any span. */
  readonly traceId?: string;
  readonly spanId?: string;
  readonly traceFlags?: number;
  readonly scope: ScopeRecord;
  /** The resource's number (ResourceRecord.id); 0 for none. */
  readonly resource: number;
}

/** Records for one hand-over, with the resources the sender has not been told about yet. */
export interface LogBatch {
  readonly records: LogRecordRecord[];
  readonly resources: ResourceRecord[];
  /** Records that could not be read or handed over as they were: counted as lost. */
  readonly unreadable: number;
}

/** What the SDK's log record offers to a processor (sdk-logs' SdkLogRecord, read only). */
export interface EmittedLogRecord {
  readonly hrTime: HrTime;
  readonly hrTimeObserved: HrTime;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body?: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount: number;
  readonly eventName?: string;
  readonly spanContext?: { readonly traceId: string; readonly spanId: string; readonly traceFlags: number };
  readonly instrumentationScope: { readonly name: string; readonly version?: string; readonly schemaUrl?: string };
  readonly resource: Resource;
}

/** One per processor: numbers the resources it has described to its sender. */
export class LogRecordMaker {
  readonly #resources = new ResourceNumbers();
  readonly #scopes = new WeakMap<object, ScopeRecord>();

  /** Throws only for an object that is not a log record; `described` collects the resources seen first here. */
  toRecord(record: EmittedLogRecord, described: ResourceRecord[]): LogRecordRecord {
    const span = record.spanContext;
    const [seconds, nanos] = record.hrTime;
    const [observedSeconds, observedNanos] = record.hrTimeObserved;
    const out: { -readonly [K in keyof LogRecordRecord]: LogRecordRecord[K] } = {
      seconds,
      nanos,
      severityNumber: record.severityNumber,
      severityText: record.severityText,
      body: record.body,
      attributes: record.attributes,
      droppedAttributesCount: record.droppedAttributesCount,
      eventName: record.eventName,
      scope: this.#scopeOf(record.instrumentationScope),
      resource: this.#resources.numberOf(record.resource, described),
    };
    if (observedSeconds !== seconds || observedNanos !== nanos) {
      out.observedSeconds = observedSeconds;
      out.observedNanos = observedNanos;
    }
    if (span) {
      out.traceId = span.traceId;
      out.spanId = span.spanId;
      out.traceFlags = span.traceFlags;
    }
    return out;
  }

  /** The same plain scope object for every record of a logger: cloned once per batch, grouped as one by OTLP. */
  #scopeOf(scope: EmittedLogRecord["instrumentationScope"]): ScopeRecord {
    let plain = this.#scopes.get(scope);
    if (!plain) {
      plain = { name: scope.name, ...(scope.version ? { version: scope.version } : {}), ...(scope.schemaUrl ? { schemaUrl: scope.schemaUrl } : {}) };
      this.#scopes.set(scope, plain);
    }
    return plain;
  }
}

/**
 * The batch as plain data `postMessage` can always clone: the rare path, for
 * a batch whose first hand-over failed because a body or attribute held
 * something that cannot cross threads (a function, a symbol, a class with
 * private state). Such values are left out; class instances become maps of
 * their own fields; a cycle ends in `"[Circular]"`.
 */
export function cloneableLogBatch(batch: LogBatch): LogBatch {
  return {
    ...batch,
    records: batch.records.map((record) => ({
      ...record,
      body: plainValue(record.body, new Set()),
      attributes: plainValue(record.attributes, new Set()) as Record<string, unknown>,
    })),
  };
}

function plainValue(value: unknown, seen: Set<object>): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return String(value);
    case "object":
      break;
    default:
      return undefined;
  }
  if (value instanceof Uint8Array) return value.slice();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => plainValue(item, seen));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const plain = plainValue((value as Record<string, unknown>)[key], seen);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
