// The receiver's OTLP ingest, `POST /v1/traces`, over real HTTP: bodies built
// by OpenTelemetry's own serializers (protobuf and JSON), the AxonPush header
// checks of each API version (nest needs the tenant and X-Axonpush-Channel,
// go neither), partial success, idempotent replay (nest) or none (go),
// failure rules, and spans that read exactly like the same spans sent
// through `/event`.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mapSpan } from "../src/exporter/map-span.js";
import { createOtlpSpanViewer } from "../src/exporter/otlp-span-view.js";
import { otlpRequest } from "../src/exporter/otlp-request.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { eventToRequest } from "../src/exporter/serialize.js";
import { startLocalReceiver, type AxonPushApiVersion, type LocalReceiver, type ReceivedSpan } from "../src/receiver/index.js";
import { makeSpan, PARENT_SPAN_ID, SPAN_ID, TRACE_ID } from "./mapping-fixture.js";

/** What the official telemetry modules send: X-API-Key and X-Axonpush-Channel (plus the tenant nest needs). */
const AUTH = { "x-api-key": "ak_test", "x-tenant-id": "tenant_1", "x-axonpush-channel": "ch_1" };
const VERSIONS: AxonPushApiVersion[] = ["go", "go-dev", "nest"];
const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";

let receiver: LocalReceiver;

/** A fresh strict receiver of `api` for each test of the enclosing describe. */
function useReceiver(api: AxonPushApiVersion, options: { channels?: string[] } = {}) {
  beforeEach(async () => {
    receiver = await startLocalReceiver({ api, apiKey: "ak_test", tenantId: "tenant_1", ...options });
  });
  afterEach(async () => {
    await receiver.close();
  });
}

/** The server's words from either error shape (nest `message`, go `detail`). */
const wordsOf = (bytes: Uint8Array) => {
  const body = JSON.parse(Buffer.from(bytes).toString("utf8"));
  return String(body.message ?? body.detail);
};


function post(path: string, body: Uint8Array | string, headers: Record<string, string>) {
  return fetch(`${receiver.url}${path}`, { method: "POST", headers, body });
}

async function postTraces(spans: ReadableSpan[], contentType = PROTOBUF, headers: Record<string, string> = AUTH) {
  const serializer = contentType === PROTOBUF ? ProtobufTraceSerializer : JsonTraceSerializer;
  const response = await post("/v1/traces", serializer.serializeRequest(spans)!, { ...headers, "content-type": contentType });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

function richSpan(): ReadableSpan {
  return makeSpan({
    kind: SpanKind.CLIENT,
    status: { code: SpanStatusCode.ERROR, message: "connection refused" },
    attributes: { "http.method": "GET", "http.status_code": 503, retried: true, ratio: 0.25, tags: ["a", "b"], ids: [1, 2] },
    events: [{ name: "exception", time: [1_700_000_000, 500], attributes: { "exception.type": "Error", attempt: 2 } }],
    links: [{ context: { traceId: "11111111111111111111111111111111", spanId: "2222222222222222", traceFlags: 1 }, attributes: { why: "retry" } }],
  });
}

const withoutVia = ({ via: _via, ...rest }: ReceivedSpan) => rest;

describe.each(VERSIONS)("%s: POST /v1/traces", (api) => {
  useReceiver(api);
  it("accepts protobuf, answers 200 with an empty protobuf ExportTraceServiceResponse, and normalises the span", async () => {
    const { response, bytes } = await postTraces([richSpan()]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(PROTOBUF);
    expect(ProtobufTraceSerializer.deserializeResponse(bytes)).toEqual({});
    const [span] = receiver.spans();
    expect(span).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      parentSpanId: PARENT_SPAN_ID,
      name: "GET /users/:id",
      kind: "CLIENT",
      status: "ERROR",
      statusMessage: "connection refused",
      attributes: { "http.method": "GET", "http.status_code": "503", retried: "true", ratio: "0.25", tags: '["a","b"]', ids: "[1,2]" },
      resource: { "service.name": "resource-service", "host.name": "box-1" },
      startTimeUnixNano: "1700000000123456789",
      endTimeUnixNano: "1700000001987654321",
      events: [{ name: "exception", timeUnixNano: "1700000000000000500", attributes: { "exception.type": "Error", attempt: "2" } }],
      links: [{ traceId: "11111111111111111111111111111111", spanId: "2222222222222222", attributes: { why: "retry" } }],
      scope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" },
      via: "otlp",
    });
    expect(receiver.rejections).toEqual([]);
    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0]!.body.resourceSpans[0].scopeSpans[0].spans[0].traceId).toBe(TRACE_ID);
  });

  it("accepts OTLP/JSON, answers in JSON, and reads the same spans as from protobuf", async () => {
    await postTraces([richSpan()], PROTOBUF);
    const { response, bytes } = await postTraces([richSpan()], JSON_TYPE);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(JSON_TYPE);
    expect(JSON.parse(Buffer.from(bytes).toString("utf8"))).toEqual({});
    const [fromProtobuf, fromJson] = receiver.spans();
    expect(fromJson).toEqual(fromProtobuf);
  });

  it("shows a span sent through OTLP exactly like the same span sent as an app.span event", async () => {
    const privacy = createPrivacy({ redactKeys: ["why"], maxContentLength: 4096 });
    const mapResource = createResourceMapper({ serviceName: "checkout", environment: "staging" }, privacy);
    const span = richSpan();
    // As the exporter sends it to this version (nest refuses dedupKey, so it is left out there).
    const refused = new Set(api === "nest" ? ["dedupKey"] : []);
    const event = eventToRequest(mapSpan(span, { channelId: "ch_1", sync: false, privacy, mapResource }), refused);
    const viaEvent = await post("/event", event.body as string, { ...AUTH, "content-type": "application/json" });
    expect(viaEvent.status).toBe(api === "nest" ? 201 : 200);
    const otlp = otlpRequest([span], { channelId: "ch_1", viewSpans: createOtlpSpanViewer(privacy, mapResource) })!;
    const viaOtlp = await post("/v1/traces", otlp.body as Uint8Array, { ...AUTH, "content-type": otlp.contentType });
    expect(viaOtlp.status).toBe(200);

    const [asEvent, asOtlp] = receiver.spans();
    expect([asEvent!.via, asOtlp!.via]).toEqual(["event", "otlp"]);
    expect(withoutVia(asOtlp!)).toEqual(withoutVia(asEvent!));
    expect(asOtlp!.links[0]).toMatchObject({ attributes: { why: "[REDACTED]" } });
    expect(asOtlp!.resource).toMatchObject({ "service.name": "checkout", "deployment.environment": "staging" });
  });

  const refusals: [string, Record<string, string>, Record<AxonPushApiVersion, number>, RegExp][] = [
    ["no key", { "x-tenant-id": "tenant_1", "x-axonpush-channel": "ch_1" }, { nest: 401, go: 401, "go-dev": 401 }, /missing/],
    ["a wrong key", { ...AUTH, "x-api-key": "ak_other" }, { nest: 401, go: 401, "go-dev": 401 }, /invalid API key/],
    ["the key in x-axonpush-api-key only", { "x-axonpush-api-key": "ak_test", "x-tenant-id": "tenant_1", "x-axonpush-channel": "ch_1" }, { nest: 401, go: 200, "go-dev": 200 }, /X-API-Key/],
    ["no x-tenant-id", { "x-api-key": "ak_test", "x-axonpush-channel": "ch_1" }, { nest: 400, go: 200, "go-dev": 200 }, /x-tenant-id/],
    ["another tenant", { ...AUTH, "x-tenant-id": "tenant_2" }, { nest: 403, go: 200, "go-dev": 200 }, /tenant/],
    ["no X-Axonpush-Channel", { "x-api-key": "ak_test", "x-tenant-id": "tenant_1" }, { nest: 400, go: 200, "go-dev": 200 }, /X-Axonpush-Channel/],
    ["a bad Idempotency-Key", { ...AUTH, "idempotency-key": "é" }, { nest: 400, go: 200, "go-dev": 200 }, /Idempotency-Key/],
  ];

  it.each(refusals)("answers a request with %s as this version does", async (_what, headers, statuses, words) => {
    const { response, bytes } = await postTraces([makeSpan()], PROTOBUF, headers);
    const status = statuses[api];
    expect(response.status).toBe(status);
    if (status === 200) {
      expect(receiver.spans()).toHaveLength(1);
      expect(receiver.rejections).toEqual([]);
      return;
    }
    expect(response.headers.get("content-type")).toBe(api === "nest" ? "application/json; charset=utf-8" : "application/problem+json");
    expect(wordsOf(bytes)).toMatch(words);
    expect(receiver.spans()).toEqual([]);
    expect(receiver.rejections).toEqual([{ status, message: wordsOf(bytes) }]);
  });

  it("refuses other content types with 415 and undecodable bodies with 400", async () => {
    const body = ProtobufTraceSerializer.serializeRequest([makeSpan()])!;
    expect((await post("/v1/traces", body, { ...AUTH, "content-type": "text/plain" })).status).toBe(415);
    expect((await post("/v1/traces", "{not json", { ...AUTH, "content-type": JSON_TYPE })).status).toBe(400);
    expect((await post("/v1/traces", new Uint8Array([0x0a, 0xff, 0x01]), { ...AUTH, "content-type": PROTOBUF })).status).toBe(400);
    expect((await post("/v1/traces", '{"resourceSpans":{}}', { ...AUTH, "content-type": JSON_TYPE })).status).toBe(400);
    expect(receiver.spans()).toEqual([]);
    expect(receiver.rejections.map((r) => r.status)).toEqual([415, 400, 400, 400]);
  });

  it("accepts a gzip-compressed body, as OTLP/HTTP clients may send", async () => {
    const body = gzipSync(ProtobufTraceSerializer.serializeRequest([makeSpan()])!);
    const response = await post("/v1/traces", body, { ...AUTH, "content-type": PROTOBUF, "content-encoding": "gzip" });
    expect(response.status).toBe(200);
    expect(receiver.spans().map((s) => s.spanId)).toEqual([SPAN_ID]);
    const refused = await post("/v1/traces", body, { ...AUTH, "content-type": PROTOBUF, "content-encoding": "br" });
    expect(refused.status).toBe(415);
  });

  it.each([PROTOBUF, JSON_TYPE])("keeps the valid spans and reports the others as partial success (%s)", async (contentType) => {
    const bad = makeSpan({
      name: "bad ids",
      resource: makeSpan().resource,
      spanContext: () => ({ traceId: "00000000000000000000000000000000", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED }),
    });
    const good = makeSpan({ name: "good", resource: bad.resource, instrumentationScope: bad.instrumentationScope });
    const { response, bytes } = await postTraces([bad, good], contentType);
    expect(response.status).toBe(200);
    const answer =
      contentType === PROTOBUF
        ? ProtobufTraceSerializer.deserializeResponse(bytes)
        : JsonTraceSerializer.deserializeResponse(bytes);
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/traceId/);
    expect(receiver.spans().map((s) => s.name)).toEqual(["good"]);
    expect(receiver.rejections).toEqual([expect.objectContaining({ status: 200, message: expect.stringMatching(/1 span\(s\) rejected/) })]);
  });

  it("rejects spans whose resource has no service.name, as the events ingest does", async () => {
    const { bytes } = await postTraces([makeSpan({ resource: resourceFromAttributes({ "host.name": "h" }) })]);
    expect(Number(ProtobufTraceSerializer.deserializeResponse(bytes).partialSuccess?.rejectedSpans)).toBe(1);
    expect(receiver.spans()).toEqual([]);
  });

  if (api === "nest") {
    it("stores a retried request once (same Idempotency-Key) and replays the answer", async () => {
      const body = ProtobufTraceSerializer.serializeRequest([makeSpan()])!;
      const headers = { ...AUTH, "content-type": PROTOBUF, "idempotency-key": "batch-1" };
      expect((await post("/v1/traces", body, headers)).status).toBe(200);
      const again = await post("/v1/traces", body, headers);
      expect(again.status).toBe(200);
      expect(again.headers.get("content-type")).toBe(PROTOBUF);
      expect(receiver.spans()).toHaveLength(1);
      expect(receiver.events).toHaveLength(1);
      expect(receiver.events[0]!.idempotencyKey).toBe("batch-1");
      expect(receiver.requestCount).toBe(2);
    });

    it("refuses the same Idempotency-Key with another batch (422 idempotency_error)", async () => {
      const headers = { ...AUTH, "content-type": PROTOBUF, "idempotency-key": "batch-1" };
      expect((await post("/v1/traces", ProtobufTraceSerializer.serializeRequest([makeSpan()])!, headers)).status).toBe(200);
      const other = await post("/v1/traces", ProtobufTraceSerializer.serializeRequest([makeSpan({ name: "other" })])!, headers);
      expect(other.status).toBe(422);
      expect(wordsOf(new Uint8Array(await other.arrayBuffer()))).toBe('Idempotency-Key "batch-1" was used with a different request body');
      expect(receiver.spans()).toHaveLength(1);
    });
  } else {
    it("ignores Idempotency-Key (not declared): a batch sent twice is stored twice", async () => {
      const body = ProtobufTraceSerializer.serializeRequest([makeSpan()])!;
      const headers = { ...AUTH, "content-type": PROTOBUF, "idempotency-key": "batch-1" };
      expect((await post("/v1/traces", body, headers)).status).toBe(200);
      expect((await post("/v1/traces", body, headers)).status).toBe(200);
      expect(receiver.spans()).toHaveLength(2);
      expect(receiver.events.map((e) => e.idempotencyKey)).toEqual(["batch-1", "batch-1"]);
    });
  }

  it("storeThenDrop keeps the batch's spans and cuts the connection before answering", async () => {
    receiver.failNext({ storeThenDrop: true });
    await expect(postTraces([makeSpan()])).rejects.toThrow();
    expect(receiver.spans().map((s) => s.spanId)).toEqual([SPAN_ID]);
    expect(receiver.rejections).toEqual([]);
  });

  it("applies failure rules like /event: status with Retry-After, then a dropped connection, then success", async () => {
    receiver.failNext({ status: 429, retryAfter: "2" });
    receiver.failNext({ destroy: true });
    const first = await postTraces([makeSpan()]);
    expect(first.response.status).toBe(429);
    expect(first.response.headers.get("retry-after")).toBe("2");
    await expect(postTraces([makeSpan()])).rejects.toThrow();
    expect((await postTraces([makeSpan()])).response.status).toBe(200);
    expect(receiver.spans()).toHaveLength(1);
    expect(receiver.requestCount).toBe(3);
  });

  it("hands OTLP spans to waitForSpans and onSpan, as the dev printer reads them", async () => {
    await receiver.close();
    const seen: ReceivedSpan[] = [];
    receiver = await startLocalReceiver({ api, onSpan: (span) => seen.push(span) });
    const waiting = receiver.waitForSpans(2);
    const { resource, instrumentationScope } = makeSpan();
    await postTraces([makeSpan({ name: "one", resource, instrumentationScope }), makeSpan({ name: "two", resource, instrumentationScope })]);
    expect((await waiting).map((s) => s.name)).toEqual(["one", "two"]);
    expect(seen.map((s) => [s.name, s.via])).toEqual([["one", "otlp"], ["two", "otlp"]]);
  });
});

describe.each(VERSIONS)("%s: /v1/traces with the channels option", (api) => {
  useReceiver(api, { channels: ["ch_1"] });

  it("answers 404 for an X-Axonpush-Channel not in the list, and accepts the listed one", async () => {
    const unknown = await postTraces([makeSpan()], PROTOBUF, { ...AUTH, "x-axonpush-channel": "ch_9" });
    expect(unknown.response.status).toBe(404);
    expect(wordsOf(unknown.bytes)).toBe('channel "ch_9" not found');
    expect((await postTraces([makeSpan()])).response.status).toBe(200);
    expect(receiver.spans()).toHaveLength(1);
  });
});

describe("axonpush-otel dev with OTLP", () => {
  it("prints spans that arrive on /v1/traces as lines and a tree, like events", async () => {
    // The built CLI is what users run; `npm test` builds it first.
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    const dev = spawn(process.execPath, [cli, "dev", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    dev.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => dev.on("exit", (code) => resolve(code)));
    const waitFor = async (text: string) => {
      for (let tries = 0; !out.includes(text); tries++) {
        if (tries > 400) throw new Error(`no ${JSON.stringify(text)} in the CLI output:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    try {
      await waitFor("Waiting for spans");
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      const { resource, instrumentationScope } = makeSpan();
      const root = makeSpan({ name: "GET /orders", parentSpanContext: undefined, resource, instrumentationScope });
      const query = makeSpan({
        name: "SELECT orders",
        kind: SpanKind.CLIENT,
        resource,
        instrumentationScope,
        endTime: [1_700_000_000, 126_456_789],
        spanContext: () => ({ traceId: TRACE_ID, spanId: "1111111111111111", traceFlags: 1 }),
        parentSpanContext: { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
      });
      const response = await fetch(`${url}/v1/traces`, {
        method: "POST",
        headers: { ...AUTH, "content-type": PROTOBUF },
        body: ProtobufTraceSerializer.serializeRequest([query, root]),
      });
      expect(response.status).toBe(200);
      await waitFor("[0af76519] SELECT orders  CLIENT  3.0 ms  UNSET\n");
      await waitFor(`trace ${TRACE_ID} (2 spans)\n└─ GET /orders  SERVER  1864 ms  UNSET\n   └─ SELECT orders  CLIENT  3.0 ms  UNSET\n`);
    } finally {
      dev.kill("SIGTERM");
      await exited;
    }
  });
});
