/**
 * The part of the OTLP trace and logs protocols the receiver decodes and
 * answers with (opentelemetry-proto `collector/trace/v1`,
 * `collector/logs/v1` and the messages they use), as a protobufjs descriptor. Field numbers are the protocol's; enums are read as
 * plain int32 (the same varint on the wire) so an unknown value is reported
 * by our validation instead of being silently renamed.
 *
 * Loaded lazily (`loadOtlpTraceTypes`, awaited when a receiver starts): the
 * receiver ships inside the package entry, and an app that only imports
 * `start()` should not pay protobufjs's ~20 ms load time.
 */
import type { Type } from "protobufjs/light.js";

type Fields = Record<string, { id: number; type: string; rule?: "repeated" }>;

const repeated = (id: number, type: string) => ({ id, type, rule: "repeated" as const });

const keyValue: Fields = { key: { id: 1, type: "string" }, value: { id: 2, type: "AnyValue" } };

const anyValue: Fields = {
  stringValue: { id: 1, type: "string" },
  boolValue: { id: 2, type: "bool" },
  intValue: { id: 3, type: "int64" },
  doubleValue: { id: 4, type: "double" },
  arrayValue: { id: 5, type: "ArrayValue" },
  kvlistValue: { id: 6, type: "KeyValueList" },
  bytesValue: { id: 7, type: "bytes" },
};

const span: Fields = {
  traceId: { id: 1, type: "bytes" },
  spanId: { id: 2, type: "bytes" },
  traceState: { id: 3, type: "string" },
  parentSpanId: { id: 4, type: "bytes" },
  name: { id: 5, type: "string" },
  kind: { id: 6, type: "int32" },
  startTimeUnixNano: { id: 7, type: "fixed64" },
  endTimeUnixNano: { id: 8, type: "fixed64" },
  attributes: repeated(9, "KeyValue"),
  droppedAttributesCount: { id: 10, type: "uint32" },
  events: repeated(11, "SpanEvent"),
  droppedEventsCount: { id: 12, type: "uint32" },
  links: repeated(13, "SpanLink"),
  droppedLinksCount: { id: 14, type: "uint32" },
  status: { id: 15, type: "Status" },
  flags: { id: 16, type: "fixed32" },
};

const logRecord: Fields = {
  timeUnixNano: { id: 1, type: "fixed64" },
  severityNumber: { id: 2, type: "int32" },
  severityText: { id: 3, type: "string" },
  body: { id: 5, type: "AnyValue" },
  attributes: repeated(6, "KeyValue"),
  droppedAttributesCount: { id: 7, type: "uint32" },
  flags: { id: 8, type: "fixed32" },
  traceId: { id: 9, type: "bytes" },
  spanId: { id: 10, type: "bytes" },
  observedTimeUnixNano: { id: 11, type: "fixed64" },
  eventName: { id: 12, type: "string" },
};

const descriptor = {
  nested: {
    ExportTraceServiceRequest: { fields: { resourceSpans: repeated(1, "ResourceSpans") } },
    ExportTraceServiceResponse: { fields: { partialSuccess: { id: 1, type: "ExportTracePartialSuccess" } } },
    ExportTracePartialSuccess: {
      fields: { rejectedSpans: { id: 1, type: "int64" }, errorMessage: { id: 2, type: "string" } },
    },
    ResourceSpans: {
      fields: {
        resource: { id: 1, type: "Resource" },
        scopeSpans: repeated(2, "ScopeSpans"),
        schemaUrl: { id: 3, type: "string" },
      },
    },
    Resource: { fields: { attributes: repeated(1, "KeyValue"), droppedAttributesCount: { id: 2, type: "uint32" } } },
    ScopeSpans: {
      fields: {
        scope: { id: 1, type: "InstrumentationScope" },
        spans: repeated(2, "Span"),
        schemaUrl: { id: 3, type: "string" },
      },
    },
    InstrumentationScope: {
      fields: {
        name: { id: 1, type: "string" },
        version: { id: 2, type: "string" },
        attributes: repeated(3, "KeyValue"),
        droppedAttributesCount: { id: 4, type: "uint32" },
      },
    },
    Span: { fields: span },
    ExportLogsServiceRequest: { fields: { resourceLogs: repeated(1, "ResourceLogs") } },
    ExportLogsServiceResponse: { fields: { partialSuccess: { id: 1, type: "ExportLogsPartialSuccess" } } },
    ExportLogsPartialSuccess: {
      fields: { rejectedLogRecords: { id: 1, type: "int64" }, errorMessage: { id: 2, type: "string" } },
    },
    ResourceLogs: {
      fields: {
        resource: { id: 1, type: "Resource" },
        scopeLogs: repeated(2, "ScopeLogs"),
        schemaUrl: { id: 3, type: "string" },
      },
    },
    ScopeLogs: {
      fields: {
        scope: { id: 1, type: "InstrumentationScope" },
        logRecords: repeated(2, "LogRecord"),
        schemaUrl: { id: 3, type: "string" },
      },
    },
    LogRecord: { fields: logRecord },
    SpanEvent: {
      fields: {
        timeUnixNano: { id: 1, type: "fixed64" },
        name: { id: 2, type: "string" },
        attributes: repeated(3, "KeyValue"),
        droppedAttributesCount: { id: 4, type: "uint32" },
      },
    },
    SpanLink: {
      fields: {
        traceId: { id: 1, type: "bytes" },
        spanId: { id: 2, type: "bytes" },
        traceState: { id: 3, type: "string" },
        attributes: repeated(4, "KeyValue"),
        droppedAttributesCount: { id: 5, type: "uint32" },
        flags: { id: 6, type: "fixed32" },
      },
    },
    Status: { fields: { message: { id: 2, type: "string" }, code: { id: 3, type: "int32" } } },
    KeyValue: { fields: keyValue },
    AnyValue: { oneofs: { value: { oneof: Object.keys(anyValue) } }, fields: anyValue },
    ArrayValue: { fields: { values: repeated(1, "AnyValue") } },
    KeyValueList: { fields: { values: repeated(1, "KeyValue") } },
  },
};

/** One signal's request and response messages (traces or logs). */
export interface OtlpTraceTypes {
  readonly request: Type;
  readonly response: Type;
}

let loading: Promise<OtlpTraceTypes | undefined> | undefined;
let loaded: OtlpTraceTypes | undefined;
let loadedLogs: OtlpTraceTypes | undefined;

/** Never rejects: without protobufjs the route still serves OTLP/JSON and says why protobuf fails. */
export function loadOtlpTraceTypes(): Promise<OtlpTraceTypes | undefined> {
  loading ??= import("protobufjs/light.js").then(
    (module) => {
      const root = module.default.Root.fromJSON(descriptor);
      loaded = {
        request: root.lookupType("ExportTraceServiceRequest"),
        response: root.lookupType("ExportTraceServiceResponse"),
      };
      loadedLogs = {
        request: root.lookupType("ExportLogsServiceRequest"),
        response: root.lookupType("ExportLogsServiceResponse"),
      };
      return loaded;
    },
    () => undefined,
  );
  return loading;
}

/** The types once `loadOtlpTraceTypes()` has resolved; undefined before. */
export function otlpTraceTypes(): OtlpTraceTypes | undefined {
  return loaded;
}

/** The logs messages, loaded with the trace ones. */
export function otlpLogTypes(): OtlpTraceTypes | undefined {
  return loadedLogs;
}
