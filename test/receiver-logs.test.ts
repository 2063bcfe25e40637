// The receiver's log records: `app.log` events checked as AxonPush's SDKs
// build them, on every API version (the same strictness as spans), and OTLP
// `POST /v1/logs` in both encodings, both read into the same `ReceivedLog`;
// records our own request maker builds pass on every version; and the
// dev printer shows each record under the span it was written in.
import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveExporterSettings } from "../src/exporter/options.js";
import { AxonPushClient } from "../src/client.js";
import { formatTraceTree, startLocalReceiver, type AxonPushApiVersion, type LocalReceiver, type ReceivedLog } from "../src/receiver/index.js";
import { TracePrinter } from "../src/receiver/trace-printer.js";
import { LogRequestMaker } from "../src/sender/log-request-maker.js";
import { logRecordOf, type LogRecordFields, type LogRecordRecord } from "../src/sender/log-records.js";
import { CHILD, headersFor, KEY, logEvent, problemWords, RECORD, ROOT, send, TENANT, TRACE } from "./receiver-requests.js";

const VERSIONS: AxonPushApiVersion[] = ["go", "go-dev", "nest"];

function receiverOf(api: AxonPushApiVersion) {
  let started: LocalReceiver | undefined;
  beforeAll(async () => {
    started = await startLocalReceiver({ api, apiKey: KEY, tenantId: TENANT });
  });
  afterEach(() => started?.reset());
  afterAll(() => started?.close());
  return () => started!;
}

/** nest refuses dedupKey; our exporter leaves it out there after the first refusal. */
const declaredFor = (api: AxonPushApiVersion, event: Record<string, unknown>) => (api === "nest" ? { ...event, dedupKey: undefined } : event);

describe.each(VERSIONS)("%s: an app.log event", (api) => {
  const receiver = receiverOf(api);

  it("is accepted, stored as a log record inside its span's trace, and is no span", async () => {
    const answer = await send(receiver().url, { headers: headersFor(api), body: declaredFor(api, logEvent({ dedupKey: `otel-log:${TRACE}:${RECORD}` })) });
    expect(answer.status).toBe(api === "nest" ? 201 : 200);
    expect(receiver().spans()).toEqual([]);
    expect(receiver().logs()).toEqual([
      {
        traceId: TRACE,
        spanId: RECORD,
        parentSpanId: CHILD,
        severityNumber: 9,
        severityText: "info",
        body: "user 42 loaded",
        timeUnixNano: "1700000000005000000",
        attributes: { "user.id": "42" },
        resource: { "service.name": "api", "service.version": "1.0.0", "deployment.environment": "test" },
        identifier: "api",
        framework: "pino",
        via: "event",
      },
    ]);
  });

  it("written outside any span (no parentSpanId) is accepted", async () => {
    const answer = await send(receiver().url, { headers: headersFor(api), body: logEvent({ parentSpanId: undefined, metadata: { framework: "winston" } }) });
    expect(answer.status).toBe(api === "nest" ? 201 : 200);
    expect(receiver().logs()[0]).not.toHaveProperty("parentSpanId");
  });

  const refused: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    ["without a traceId", { traceId: undefined }, {}, /traceId must be present on an app.log event/],
    ["without its own spanId", { spanId: undefined }, {}, /spanId must be present on an app.log event/],
    ["whose parent is itself", { parentSpanId: RECORD }, {}, /parentSpanId must be another span's id/],
    ["without metadata.framework", { metadata: {} }, {}, /metadata.framework must be a string/],
    ["with a severity beyond FATAL4", {}, { severityNumber: 25 }, /payload.severityNumber must be a whole number from 0 to 24/],
    ["with a severityText that is no string", {}, { severityText: 9 }, /payload.severityText must be a string/],
    ["with a body that is no string", {}, { body: { msg: "x" } }, /payload.body must be a string/],
    ["with a time as a number", {}, { timeUnixNano: 1700000000005000000 }, /payload.timeUnixNano must be a decimal string/],
    ["with an attribute that is no string", {}, { attributes: { "user.id": 42 } }, /payload.attributes\["user.id"\] must be a string/],
    ["with a resource without service.name", {}, { resource: { "service.version": "1" } }, /payload.resource\["service.name"\] must be a non-empty string/],
    ["with a payload field the SDKs do not send", {}, { traceId: TRACE }, /payload.traceId must be absent/],
  ];
  it.each(refused)("is refused (422, the version's error shape) %s", async (_case, top, payload, words) => {
    const answer = await send(receiver().url, { headers: headersFor(api), body: logEvent(top, payload) });
    expect(answer.status).toBe(422);
    expect(problemWords(answer.body)).toMatch(words);
    expect(receiver().logs()).toEqual([]);
    expect(receiver().rejections).toHaveLength(1);
  });
});

describe("duplicates of a log record", () => {
  describe("go: by dedupKey", () => {
    const receiver = receiverOf("go");
    it("stores a record sent twice under one dedupKey once", async () => {
      const body = logEvent({ dedupKey: `otel-log:${TRACE}:${RECORD}` });
      await send(receiver().url, { headers: headersFor("go"), body });
      const again = await send(receiver().url, { headers: headersFor("go"), body });
      expect(again.body.status).toBe("duplicate");
      expect(receiver().logs()).toHaveLength(1);
    });
  });
  describe("nest: by Idempotency-Key", () => {
    const receiver = receiverOf("nest");
    it("replays a record sent twice under one Idempotency-Key, stored once", async () => {
      const headers = headersFor("nest", { "idempotency-key": "log-1" });
      await send(receiver().url, { headers, body: logEvent() });
      const again = await send(receiver().url, { headers, body: logEvent() });
      expect(again.body.duplicate).toBe(true);
      expect(receiver().logs()).toHaveLength(1);
    });
  });
});

/** A record as the app's thread hands it over (log-records.ts). */
function record(overrides: Partial<LogRecordFields> = {}): LogRecordRecord {
  return logRecordOf({
    seconds: 1_700_000_000,
    nanos: 5_000_000,
    severityNumber: 13,
    severityText: "warn",
    body: "disk 91% full",
    attributes: { name: "api", "disk.used": 0.91, nested: { path: "/var", password: "hunter2" } },
    droppedAttributesCount: 0,
    traceId: TRACE,
    spanId: CHILD,
    traceFlags: 1,
    scope: { name: "@opentelemetry/instrumentation-pino", version: "0.61.0" },
    resource: 1,
    ...overrides,
  });
}

describe.each(VERSIONS)("%s: what our request maker builds", (api) => {
  const receiver = receiverOf(api);

  it.each(["events", "otlp"] as const)("is accepted as it is over %s, and reads as written", async (transport) => {
    const client = new AxonPushClient({ apiKey: KEY, tenantId: TENANT, baseUrl: receiver().url });
    const settings = resolveExporterSettings({ client, channelId: "ch_1", transport, otlpEncoding: "json" });
    // nest refuses dedupKey: what the lane learns from its first refusal, given up front here.
    const maker = new LogRequestMaker(settings, new Set(api === "nest" ? ["dedupKey"] : []));
    maker.learn([{ id: 1, attributes: { "service.name": "api", "service.version": "2.0.0" } }]);
    const { requests, failedSpans } = maker.fromRecords([record(), record({ traceId: undefined, spanId: undefined, traceFlags: undefined, severityNumber: 9, severityText: undefined, body: "ready" })]);
    expect(failedSpans).toBe(0);
    for (const request of requests) {
      const answer = await send(receiver().url, {
        path: request.path,
        headers: { ...client.headersFor(request), ...request.headers },
        raw: Buffer.from(request.body).toString("utf8"),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    }
    expect(receiver().rejections).toEqual([]);
    const [inSpan, outside] = receiver().logs();
    expect(inSpan).toMatchObject({
      traceId: TRACE,
      parentSpanId: CHILD,
      severityNumber: 13,
      severityText: "warn",
      body: "disk 91% full",
      timeUnixNano: "1700000000005000000",
      resource: { "service.name": "api", "service.version": "2.0.0" },
    });
    // The nested password is redacted inside its map, as AxonPush's SDKs redact telemetry.
    expect(JSON.parse(inSpan!.attributes.nested!)).toEqual({ path: "/var", password: "[REDACTED]" });
    expect(inSpan!.attributes["disk.used"]).toBe("0.91");
    expect(outside!.parentSpanId).toBeUndefined();
    if (transport === "events") {
      expect(inSpan).toMatchObject({ identifier: "api", framework: "pino", spanId: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(inSpan!.spanId).not.toBe(CHILD);
      // Outside any span: a trace of its own, and the severity's name for a record that gave none.
      expect(outside).toMatchObject({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), severityText: "INFO" });
      expect(outside!.traceId).not.toBe(TRACE);
    } else {
      expect(inSpan!.scope).toEqual({ name: "@opentelemetry/instrumentation-pino", version: "0.61.0" });
      expect(outside!.traceId).toBeUndefined();
    }
  });
});

// One resource and one scope object for every record: the serializer groups by identity.
const BILLING = resourceFromAttributes({ "service.name": "billing" });
const WINSTON_SCOPE = { name: "@opentelemetry/winston-transport", version: "0.34.0" };

function otlpRecord(overrides: Partial<ReadableLogRecord> = {}): ReadableLogRecord {
  return {
    hrTime: [1_700_000_000, 5_000_000],
    hrTimeObserved: [1_700_000_000, 6_000_000],
    spanContext: { traceId: TRACE, spanId: CHILD, traceFlags: 1 },
    severityNumber: 17,
    severityText: "error",
    body: "payment failed",
    resource: BILLING,
    instrumentationScope: WINSTON_SCOPE,
    attributes: { "order.id": 7, retried: true },
    droppedAttributesCount: 0,
    ...overrides,
  };
}

describe.each(VERSIONS)("%s: POST /v1/logs", (api) => {
  const receiver = receiverOf(api);
  const headers = (contentType: string) => ({ ...headersFor(api, { "x-axonpush-channel": "ch_1" }), "content-type": contentType });

  it.each([
    ["protobuf", "application/x-protobuf", ProtobufLogsSerializer],
    ["JSON", "application/json", JsonLogsSerializer],
  ] as const)("reads %s records into log records beside the app.log ones", async (_name, contentType, serializer) => {
    const body = serializer.serializeRequest([otlpRecord(), otlpRecord({ spanContext: undefined, body: { kind: "startup" }, severityNumber: 9 })])!;
    const response = await fetch(`${receiver().url}/v1/logs`, { method: "POST", headers: headers(contentType), body });
    expect(response.status).toBe(200);
    const [inSpan, outside] = receiver().logs();
    expect(inSpan).toEqual({
      traceId: TRACE,
      parentSpanId: CHILD,
      severityNumber: 17,
      severityText: "error",
      body: "payment failed",
      timeUnixNano: "1700000000005000000",
      attributes: { "order.id": "7", retried: "true" },
      resource: { "service.name": "billing" },
      scope: { name: "@opentelemetry/winston-transport", version: "0.34.0" },
      via: "otlp",
    });
    expect(outside).toMatchObject({ severityNumber: 9, body: { kind: "startup" } });
    expect(outside).not.toHaveProperty("traceId");
    expect(receiver().rejections).toEqual([]);
  });

  it("refuses a record with a severity out of range on its own (partial success), keeping the rest", async () => {
    const body = JsonLogsSerializer.serializeRequest([otlpRecord(), otlpRecord({ severityNumber: 30 as never })])!;
    const response = await fetch(`${receiver().url}/v1/logs`, { method: "POST", headers: headers("application/json"), body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: { rejectedLogRecords: "1", errorMessage: expect.stringMatching(/logRecords\[1\]: severityNumber must be 0..24/) },
    });
    expect(receiver().logs()).toHaveLength(1);
    expect(receiver().rejections).toEqual([{ status: 200, message: expect.stringMatching(/^1 log record\(s\) rejected/) }]);
  });
});

describe("the dev printer", () => {
  const span = (spanId: string, name: string, parentSpanId?: string) => ({
    traceId: TRACE,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: "SERVER",
    status: "UNSET",
    attributes: {},
    resource: { "service.name": "api" },
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000000012000000",
    events: [],
    links: [],
    via: "event" as const,
  });
  const log = (parentSpanId: string | undefined, body: string, severityText = "info"): ReceivedLog => ({
    traceId: TRACE,
    ...(parentSpanId ? { parentSpanId } : {}),
    severityNumber: 9,
    severityText,
    body,
    timeUnixNano: "1700000000005000000",
    attributes: {},
    resource: { "service.name": "api" },
    via: "event",
  });

  it("shows each record under the span it was written in", () => {
    const tree = formatTraceTree([span(ROOT, "GET /users"), span(CHILD, "load user", ROOT)], [log(CHILD, "user 42 loaded"), log(undefined, "ready", "warn")]);
    expect(tree.split("\n")).toEqual([
      `trace ${TRACE} (2 spans, 2 log records)`,
      "  · WARN  ready",
      "└─ GET /users  SERVER  12.0 ms  UNSET",
      "   └─ load user  SERVER  12.0 ms  UNSET",
      "        · INFO  user 42 loaded",
    ]);
  });

  it("prints a line per record at once, and the record again in its trace's tree", async () => {
    const written: string[] = [];
    const printer = new TracePrinter({ write: (text) => written.push(text), settleMs: 5 });
    printer.add(span(ROOT, "GET /users"));
    printer.addLog(log(ROOT, "user 42 loaded"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written[1]).toBe(`[${TRACE.slice(0, 8)}] · INFO  user 42 loaded`);
    expect(written.at(-1)).toContain("   · INFO  user 42 loaded");
  });
});
