// What crosses to the sender thread for log records: each record as one positional record, read back on the
// sender (as OTLP's view of it, and as an app.log event) with every field the app's record had, each in its place.
import { resourceFromAttributes } from "@opentelemetry/resources";
import { describe, expect, it } from "vitest";
import { mapLogRecord } from "../src/exporter/map-log.js";
import { OtlpLogViewer } from "../src/exporter/otlp-log-request.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { cloneableLogBatch, LogRecordMaker, type EmittedLogRecord, type LogBatch } from "../src/sender/log-records.js";
import type { ResourceRecord } from "../src/sender/records.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const privacy = createPrivacy({});
const mapResource = createResourceMapper({ serviceName: "api" }, privacy);

const emitted: EmittedLogRecord = {
  hrTime: [1_700_000_000, 123_456_789],
  hrTimeObserved: [1_700_000_001, 5],
  severityNumber: 13,
  severityText: "warn",
  body: { disk: "/var", used: 0.91 },
  attributes: { name: "api", "disk.used": 0.91 },
  droppedAttributesCount: 2,
  eventName: "disk.almost.full",
  spanContext: { traceId: TRACE, spanId: SPAN, traceFlags: 1 },
  instrumentationScope: { name: "@opentelemetry/instrumentation-pino", version: "0.61.0", schemaUrl: "https://opentelemetry.io/schemas/1.30.0" },
  resource: resourceFromAttributes({ "service.name": "api" }),
};

/** App thread → structured clone (what postMessage does): the batch the sender reads. */
function crossed(records: readonly EmittedLogRecord[]): LogBatch {
  const maker = new LogRecordMaker();
  const resources: ResourceRecord[] = [];
  return structuredClone({ records: records.map((record) => maker.toRecord(record, resources)), resources, unreadable: 0 });
}

describe("log records: one positional record per record, the same record on the sender", () => {
  it("OTLP's view on the sender has every field: times (observed apart), severity, body, attributes, dropped count, event name, span, scope", () => {
    const [record] = crossed([emitted]).records;
    const view = new OtlpLogViewer(privacy, mapResource).view(record!, undefined);
    const { hrTime, hrTimeObserved, severityNumber, severityText, body, attributes, droppedAttributesCount, eventName, spanContext } = emitted;
    expect(view).toMatchObject({ hrTime, hrTimeObserved, severityNumber, severityText, body, attributes, droppedAttributesCount, eventName, spanContext });
    expect(view.instrumentationScope).toEqual(emitted.instrumentationScope);
  });

  it("observed at the same moment, outside any span: the view's observed time is the record's, and it has no span", () => {
    const [record] = crossed([{ ...emitted, hrTimeObserved: emitted.hrTime, spanContext: undefined }]).records;
    const view = new OtlpLogViewer(privacy, mapResource).view(record!, undefined);
    expect(view.hrTimeObserved).toEqual([1_700_000_000, 123_456_789]);
    expect(view.spanContext).toBeUndefined();
  });

  it("as an app.log event: the record's span is the parent, its scope names the framework", () => {
    const [record] = crossed([emitted]).records;
    const event = mapLogRecord(record!, undefined, { sync: false, privacy, mapResource });
    expect(event).toMatchObject({ traceId: TRACE, parentSpanId: SPAN, metadata: { framework: "pino" } });
    expect(event.payload).toMatchObject({ severityNumber: 13, severityText: "warn", timeUnixNano: "1700000000123456789" });
    expect(event.payload.attributes).toMatchObject({ "event.name": "disk.almost.full" });
  });

  it("a batch postMessage cannot clone (a function in a body) becomes plain data with every other field in place", () => {
    const maker = new LogRecordMaker();
    const withFunction = maker.toRecord({ ...emitted, body: { ok: true, callback: () => 1 } }, []);
    const batch: LogBatch = { records: [withFunction], resources: [], unreadable: 0 };
    expect(() => structuredClone(batch)).toThrow();
    const [plain] = structuredClone(cloneableLogBatch(batch)).records;
    const view = new OtlpLogViewer(privacy, mapResource).view(plain!, undefined);
    expect(view).toMatchObject({ body: { ok: true }, severityText: "warn", eventName: "disk.almost.full", spanContext: { spanId: SPAN } });
    expect(view.body).not.toHaveProperty("callback");
  });
});
