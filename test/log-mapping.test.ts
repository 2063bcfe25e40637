// One log record → one app.log event and one OTLP view (src/exporter/map-log.ts,
// otlp-log-request.ts, log-privacy.ts): the SDKs' payload, the framework and
// identifier by logger, AXONPUSH_REDACT_KEYS and AXONPUSH_MAX_CONTENT_LENGTH on
// the body and on attributes at any depth, content capture, bytes, times a
// reader takes, ids of the record's own.
import { describe, expect, it } from "vitest";
import { mapLogRecord, severityNameOf, type LogMapping } from "../src/exporter/map-log.js";
import { OtlpLogViewer } from "../src/exporter/otlp-log-request.js";
import { createPrivacy, type PrivacySettings } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import type { LogRecordFields } from "../src/sender/log-records.js";
import { LOG_SPAN_ID, LOG_TRACE_ID, makeLogRecord } from "./mapping-fixture.js";

const TRACE = LOG_TRACE_ID;
const SPAN = LOG_SPAN_ID;
const record = makeLogRecord;

function mapping(settings: PrivacySettings & { serviceName?: string } = {}): LogMapping {
  const privacy = createPrivacy(settings);
  return { sync: false, privacy, mapResource: createResourceMapper({ serviceName: settings.serviceName ?? "api" }, privacy) };
}

const map = (overrides: Partial<LogRecordFields> = {}, settings: PrivacySettings = {}) => mapLogRecord(record(overrides), undefined, mapping(settings));

describe("app.log event", () => {
  it("is the SDKs' payload, in the active span's trace, with ids and a dedupKey of its own", () => {
    const event = map({ attributes: { name: "orders", count: 3, ok: true, tags: ["a", "b"], none: null } });
    expect(event).toEqual({
      identifier: "orders",
      eventType: "app.log",
      traceId: TRACE,
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      parentSpanId: SPAN,
      metadata: { framework: "pino", "axonpush.parent_event_id": SPAN },
      dedupKey: `otel-log:${TRACE}:${event.spanId}`,
      payload: {
        severityNumber: 9,
        severityText: "info",
        body: "user 42 loaded",
        timeUnixNano: "1700000000123456789",
        // Values stringified, absent ones dropped.
        attributes: { name: "orders", count: "3", ok: "true", tags: '["a","b"]' },
        resource: { "service.name": "api" },
      },
    });
    expect(event.spanId).not.toBe(SPAN);
    // Each record its own id, so two records of one span are two events.
    expect(map().spanId).not.toBe(map().spanId);
  });

  it("outside any span: a trace of its own, no parent", () => {
    const event = map({ traceId: undefined, spanId: undefined, traceFlags: undefined });
    expect(event.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(event).not.toHaveProperty("parentSpanId");
    expect(event.metadata).toEqual({ framework: "pino" });
  });

  it.each([
    ["@opentelemetry/instrumentation-pino", { name: "orders" }, "orders", "pino"],
    ["@opentelemetry/instrumentation-pino", {}, "pino", "pino"],
    ["@opentelemetry/instrumentation-bunyan", { name: "payments" }, "payments", "bunyan"],
    ["@opentelemetry/winston-transport", { name: "not a logger name in winston" }, "winston", "winston"],
    ["axonpush-otel/console", {}, "console", "console"],
    ["axonpush-otel/crash", { "crash.origin": "unhandledRejection" }, "unhandledRejection", "node"],
    ["my-app", {}, "my-app", "opentelemetry"],
  ])("from %s (%j): identifier %s, framework %s", (scope, attributes, identifier, framework) => {
    const event = map({ scope: { name: scope }, attributes });
    expect([event.identifier, event.metadata.framework]).toEqual([identifier, framework]);
  });

  it("names the severity when the record gives only its number", () => {
    expect(map({ severityText: undefined, severityNumber: 18 }).payload.severityText).toBe("ERROR");
    expect(map({ severityText: undefined, severityNumber: undefined }).payload).toMatchObject({ severityNumber: 0, severityText: "" });
    expect([1, 5, 9, 13, 17, 21, 24, 25].map(severityNameOf)).toEqual(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "FATAL", ""]);
  });

  it("redacts AXONPUSH_REDACT_KEYS and credentials at any depth, in attributes and in a structured body", () => {
    const event = map(
      {
        attributes: { user: { id: 42, password: "hunter2", card: { pan: "4111" } }, authorization: "Bearer x", list: [{ token: "t" }] },
        body: { msg: "charged", card: { pan: "4111", last4: "1111" } },
      },
      { redactKeys: ["pan"] },
    );
    expect(event.payload.attributes).toEqual({
      user: '{"id":42,"password":"[REDACTED]","card":{"pan":"[REDACTED]"}}',
      authorization: "[REDACTED]",
      list: '[{"token":"[REDACTED]"}]',
    });
    expect(JSON.parse(event.payload.body)).toEqual({ msg: "charged", card: { pan: "[REDACTED]", last4: "1111" } });
  });

  it("cuts the body and every attribute at AXONPUSH_MAX_CONTENT_LENGTH", () => {
    const event = map({ body: "x".repeat(50), attributes: { long: "y".repeat(50), nested: { deep: "z".repeat(50) } } }, { maxContentLength: 10 });
    expect(event.payload.body).toBe(`${"x".repeat(10)}…[truncated 40 chars]`);
    expect(event.payload.attributes.long).toBe(`${"y".repeat(10)}…[truncated 40 chars]`);
    // Cut inside, then the JSON as a whole: no attribute is longer than the limit, and says so.
    expect(event.payload.attributes.nested).toBe('{"deep":"z…[truncated 32 chars]');
  });

  it("treats content keys as AXONPUSH_CONTENT_CAPTURE says", () => {
    const attributes = { prompt: "tell me a secret", "gen_ai.input.messages": [{ role: "user", content: "hi" }] };
    expect(map({ attributes }).payload.attributes).toEqual({ prompt: "[REDACTED]", "gen_ai.input.messages": "[REDACTED]" });
    expect(map({ attributes }, { contentCapture: "full" }).payload.attributes).toEqual({
      prompt: "tell me a secret",
      "gen_ai.input.messages": '[{"role":"user","content":"hi"}]',
    });
  });

  it("spells bytes as base64, an event name as event.name, and a time no reader takes as one they do", () => {
    const event = map({ body: new Uint8Array([104, 105]), attributes: { raw: new Uint8Array([1, 2, 3]) }, eventName: "order.created", seconds: -35, nanos: 0 });
    expect(event.payload.body).toBe("aGk=");
    expect(event.payload.attributes).toEqual({ raw: "AQID", "event.name": "order.created" });
    expect(event.payload.timeUnixNano).toBe("0");
  });

  it("sends sync: true in sync mode and the channel when one is set", () => {
    const event = mapLogRecord(record(), undefined, { ...mapping(), sync: true, channelId: "ch_1" });
    expect(event).toMatchObject({ sync: true, channel_id: "ch_1" });
  });
});

describe("OTLP view", () => {
  it("keeps types, applies the same rules, carries the active span's ids and no id of its own", () => {
    const privacy = createPrivacy({ redactKeys: ["pan"], maxContentLength: 8 });
    const viewer = new OtlpLogViewer(privacy, createResourceMapper({ serviceName: "api" }, privacy));
    const view = viewer.view(record({ attributes: { count: 3, card: { pan: "4111", brand: "visa-electron" } }, body: "a long message" }), undefined);
    expect(view).toMatchObject({
      hrTime: [1_700_000_000, 123_456_789],
      hrTimeObserved: [1_700_000_000, 123_456_789],
      spanContext: { traceId: TRACE, spanId: SPAN, traceFlags: 1 },
      body: "a long m…[truncated 6 chars]",
      attributes: { count: 3, card: { pan: "[REDACTED]", brand: "visa-ele…[truncated 5 chars]" } },
    });
    expect(view.resource.attributes).toEqual({ "service.name": "api" });
    expect(viewer.view(record({ traceId: undefined, spanId: undefined }), undefined).spanContext).toBeUndefined();
    // One scope object per logger, for the serializer's grouping.
    expect(viewer.view(record(), undefined).instrumentationScope).toBe(view.instrumentationScope);
  });
});
