/**
 * What crosses from the app's thread to the sender for log records, like
 * records.ts for spans: each emitted record as plain data (fields copied by
 * reference, no functions, no reference into the SDK), each resource once,
 * by number. Mapping to `app.log` events or OTLP, privacy rules, ids,
 * serialising and HTTP all happen on the sender (log-request-maker.ts).
 *
 * Flat on purpose: `postMessage` clones object by object, and a log storm
 * is many records, so a record is one array of its fields (times as
 * numbers, the active span's ids among them): the array and its attributes
 * are all that is cloned per record (measured in `npm run bench logs`).
 */
import type { HrTime } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { ResourceRecord, ScopeRecord } from "./records.js";
import { ResourceNumbers } from "./resource-numbers.js";

/**
 * One emitted log record, as a tuple (read it with the `LOG` positions): as
 * for spans (records.ts), `postMessage`'s structured clone writes every
 * property name of every object again, and a tuple has none. 512 pino-sized
 * records: 277 bytes each as objects, 136 as tuples; serialising them on the
 * app's thread 0.52–0.63 µs a record as objects, 0.31–0.35 as tuples, and
 * reading them on the sender 1.33–1.56 against 0.91–1.05 (Node 20 and 26,
 * bench/FINDINGS.md).
 */
export type LogRecordRecord = readonly [
  /** `hrTime`: seconds and nanoseconds. */
  seconds: number,
  nanos: number,
  /** `hrTimeObserved`, when it is another time than `hrTime`. */
  observedSeconds: number | undefined,
  observedNanos: number | undefined,
  severityNumber: number | undefined,
  severityText: string | undefined,
  /** Any OpenTelemetry AnyValue: a string mostly, else numbers, arrays, maps, bytes. */
  body: unknown,
  attributes: Readonly<Record<string, unknown>>,
  droppedAttributesCount: number,
  eventName: string | undefined,
  /** The span that was active when the record was written; undefined outside any span. */
  traceId: string | undefined,
  spanId: string | undefined,
  traceFlags: number | undefined,
  /** The same plain object for every record of a logger (cloned once per batch). */
  scope: ScopeRecord,
  /** The resource's number (ResourceRecord.id); 0 for none. */
  resource: number,
];

/** Where each field of a LogRecordRecord is. */
export const LOG = {
  seconds: 0,
  nanos: 1,
  observedSeconds: 2,
  observedNanos: 3,
  severityNumber: 4,
  severityText: 5,
  body: 6,
  attributes: 7,
  droppedAttributesCount: 8,
  eventName: 9,
  traceId: 10,
  spanId: 11,
  traceFlags: 12,
  scope: 13,
  resource: 14,
} as const;

/** A log record's fields by name: what `logRecordOf` takes, for records built by hand. */
export interface LogRecordFields {
  readonly seconds: number;
  readonly nanos: number;
  readonly observedSeconds?: number;
  readonly observedNanos?: number;
  readonly severityNumber?: number;
  readonly severityText?: string;
  readonly body?: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly droppedAttributesCount: number;
  readonly eventName?: string;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly traceFlags?: number;
  readonly scope: ScopeRecord;
  readonly resource: number;
}

/** The record these named fields make (tests, and anything else that builds one by hand). */
export function logRecordOf(fields: LogRecordFields): LogRecordRecord {
  return [
    fields.seconds,
    fields.nanos,
    fields.observedSeconds,
    fields.observedNanos,
    fields.severityNumber,
    fields.severityText,
    fields.body,
    fields.attributes,
    fields.droppedAttributesCount,
    fields.eventName,
    fields.traceId,
    fields.spanId,
    fields.traceFlags,
    fields.scope,
    fields.resource,
  ];
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
    const observedElsewhen = observedSeconds !== seconds || observedNanos !== nanos;
    return [
      seconds,
      nanos,
      observedElsewhen ? observedSeconds : undefined,
      observedElsewhen ? observedNanos : undefined,
      record.severityNumber,
      record.severityText,
      record.body,
      record.attributes,
      record.droppedAttributesCount,
      record.eventName,
      span?.traceId,
      span?.spanId,
      span?.traceFlags,
      this.#scopeOf(record.instrumentationScope),
      this.#resources.numberOf(record.resource, described),
    ];
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
    records: batch.records.map((record) => {
      const plain = [...record] as unknown[];
      plain[LOG.body] = plainValue(record[LOG.body], new Set());
      plain[LOG.attributes] = plainValue(record[LOG.attributes], new Set());
      return plain as unknown as LogRecordRecord;
    }),
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
