// The OTLP transport's request building: one request per batch, encoded by
// OpenTelemetry's own serializer, with the events mapping's resource,
// redaction and truncation rules. Bodies are decoded back here (JSON by
// parsing, protobuf with the receiver's protobufjs schema) and read field by field.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonOtlpTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { beforeAll, describe, expect, it } from "vitest";
import { createOtlpSpanViewer } from "../src/exporter/otlp-span-view.js";
import { otlpRequest, type OtlpEncoding } from "../src/exporter/otlp-request.js";
import { otlpRequestBuilder } from "../src/exporter/request-builders.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper, type ResourceOverrides } from "../src/exporter/resource.js";
import { loadOtlpTraceTypes, type OtlpTraceTypes } from "../src/receiver/otlp-schema.js";
import { makeSpan, TRACE_ID } from "./mapping-fixture.js";

let types: OtlpTraceTypes;
beforeAll(async () => {
  types = (await loadOtlpTraceTypes())!;
});

interface BuildOptions extends ResourceOverrides {
  redactKeys?: string[];
  maxContentLength?: number;
  encoding?: OtlpEncoding;
}

function build(spans: ReadableSpan[], options: BuildOptions = {}) {
  const privacy = createPrivacy({ redactKeys: options.redactKeys ?? [], maxContentLength: options.maxContentLength });
  const viewSpans = createOtlpSpanViewer(privacy, createResourceMapper(options, privacy));
  return otlpRequest(spans, { channelId: "ch_otlp", viewSpans, encoding: options.encoding });
}

/** The request body as a plain OTLP/JSON-shaped object, whatever its encoding. */
function decode(body: string | Uint8Array, encoding: OtlpEncoding): any {
  if (encoding === "json") return JSON.parse(Buffer.from(body as Uint8Array).toString("utf8"));
  return types.request.toObject(types.request.decode(body as Uint8Array), { longs: String, bytes: String, defaults: false });
}

function attributes(keyValues: any[] | undefined): Record<string, any> {
  return Object.fromEntries((keyValues ?? []).map((kv) => [kv.key, kv.value]));
}

function onlySpan(request: any): any {
  expect(request.resourceSpans).toHaveLength(1);
  expect(request.resourceSpans[0].scopeSpans).toHaveLength(1);
  expect(request.resourceSpans[0].scopeSpans[0].spans).toHaveLength(1);
  return request.resourceSpans[0].scopeSpans[0].spans[0];
}

describe("otlpRequest", () => {
  it("turns a whole batch into one protobuf request for /v1/traces with the channel header", () => {
    // As from one provider and one tracer: the resource and scope objects are shared.
    const { resource, instrumentationScope } = makeSpan();
    const spans = ["a", "b", "c"].map((name, i) =>
      makeSpan({
        name,
        resource,
        instrumentationScope,
        spanContext: () => ({ traceId: TRACE_ID, spanId: `00000000000000a${i}`, traceFlags: TraceFlags.SAMPLED }),
      }),
    );
    const request = build(spans)!;
    expect(request).toMatchObject({
      path: "/v1/traces",
      contentType: "application/x-protobuf",
      spanCount: 3,
      headers: { "X-Axonpush-Channel": "ch_otlp" },
    });
    expect(request.body).toBeInstanceOf(Uint8Array);
    const decoded = decode(request.body, "protobuf");
    // One resource and one scope shared by the three spans: grouped, not repeated.
    const names = decoded.resourceSpans[0].scopeSpans[0].spans.map((s: any) => s.name);
    expect(names).toEqual(["a", "b", "c"]);
    expect(Buffer.from(decoded.resourceSpans[0].scopeSpans[0].spans[0].traceId, "base64").toString("hex")).toBe(TRACE_ID);
    expect(build(spans)!.idempotencyKey).not.toBe(request.idempotencyKey);
    expect(build([])).toBeUndefined();
  });

  it("encodes JSON on request, with hex ids and decimal nanosecond times", () => {
    const request = build([makeSpan()], { encoding: "json" })!;
    expect(request.contentType).toBe("application/json");
    const span = onlySpan(decode(request.body, "json"));
    expect(span).toMatchObject({ traceId: TRACE_ID, name: "GET /users/:id", kind: SpanKind.SERVER + 1 });
    expect(span.startTimeUnixNano).toBe("1700000000123456789");
  });

  it("writes JSON byte for byte as @opentelemetry/exporter-trace-otlp-http (what AxonPush's TypeScript SDK sends) posts it", async () => {
    const { resource, instrumentationScope } = makeSpan();
    const spans = ["a", "b"].map((name, i) =>
      makeSpan({
        name,
        resource,
        instrumentationScope,
        attributes: { "http.request.method": "GET", n: i, ok: true, tags: ["x", "y"] },
        spanContext: () => ({ traceId: TRACE_ID, spanId: `00000000000000b${i}`, traceFlags: TraceFlags.SAMPLED }),
      }),
    );
    const privacy = createPrivacy();
    const views = createOtlpSpanViewer(privacy, createResourceMapper({ serviceName: "checkout" }, privacy))(spans);
    const ours = otlpRequest(spans, { viewSpans: () => views, encoding: "json" })!;

    // The SDK's exporter, sending the very same span views to a server that keeps what it gets.
    let posted: { headers: IncomingHttpHeaders; body: Buffer } | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        posted = { headers: req.headers, body: Buffer.concat(chunks) };
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const sdkExporter = new JsonOtlpTraceExporter({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` });
      const result = await new Promise<{ code: number }>((resolve) => sdkExporter.export(views, resolve));
      expect(result.code).toBe(0);
      await sdkExporter.shutdown();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(posted!.headers["content-type"]).toBe(ours.contentType);
    expect(posted!.headers["content-encoding"]).toBeUndefined();
    expect(Buffer.from(ours.body as Uint8Array).equals(posted!.body)).toBe(true);
  });

  it.each(["protobuf", "json"] as const)("applies the exporter's service, version and environment to the resource (%s)", (encoding) => {
    const span = makeSpan({
      resource: resourceFromAttributes({ "service.name": "from-resource", "service.version": "0.0.1", "host.name": "box-1" }),
    });
    const request = build([span], { serviceName: "checkout", serviceVersion: "2.3.4", environment: "staging", encoding })!;
    const resource = attributes(decode(request.body, encoding).resourceSpans[0].resource.attributes);
    expect(resource["service.name"]).toEqual({ stringValue: "checkout" });
    expect(resource["service.version"]).toEqual({ stringValue: "2.3.4" });
    expect(resource["deployment.environment"]).toEqual({ stringValue: "staging" });
    expect(resource["host.name"]).toEqual({ stringValue: "box-1" });
  });

  it("keeps the span resource's own service name when the exporter sets none", () => {
    const request = build([makeSpan()])!;
    const resource = attributes(decode(request.body, "protobuf").resourceSpans[0].resource.attributes);
    expect(resource["service.name"]).toEqual({ stringValue: "resource-service" });
  });

  it.each(["protobuf", "json"] as const)("redacts credentials and configured keys, keeps counts typed (%s)", (encoding) => {
    const span = makeSpan({
      attributes: {
        "http.request.header.authorization": "Bearer s3cret",
        "app.user.email": "a@example.com",
        "gen_ai.usage.prompt_tokens": 42,
        "http.method": "GET",
      },
      events: [{ name: "login", time: [1_700_000_000, 5], attributes: { password: "hunter2", attempt: 2 } }],
      links: [{ context: { traceId: TRACE_ID, spanId: "1111111111111111", traceFlags: 1 }, attributes: { cookie: "sid=1" } }],
    });
    const request = build([span], { redactKeys: ["user.email"], encoding })!;
    const decoded = onlySpan(decode(request.body, encoding));
    const attrs = attributes(decoded.attributes);
    expect(attrs["http.request.header.authorization"]).toEqual({ stringValue: "[REDACTED]" });
    expect(attrs["app.user.email"]).toEqual({ stringValue: "[REDACTED]" });
    expect(attrs["http.method"]).toEqual({ stringValue: "GET" });
    // OTLP keeps types: a token count is an int64, not a string and not redacted.
    expect(String(attrs["gen_ai.usage.prompt_tokens"].intValue)).toBe("42");
    expect(attributes(decoded.events[0].attributes)).toMatchObject({ password: { stringValue: "[REDACTED]" } });
    expect(String(attributes(decoded.events[0].attributes).attempt.intValue)).toBe("2");
    expect(attributes(decoded.links[0].attributes)).toEqual({ cookie: { stringValue: "[REDACTED]" } });
    expect(request.body.length).toBeGreaterThan(0);
    expect(Buffer.from(request.body as Uint8Array).toString("latin1")).not.toContain("s3cret");
    expect(Buffer.from(request.body as Uint8Array).toString("latin1")).not.toContain("hunter2");
  });

  it("cuts long strings (attributes, array items, event and link attributes, status message) like the events mapping", () => {
    const long = "x".repeat(50);
    const span = makeSpan({
      attributes: { "db.statement": long, "tags": [long, "short"], "short": "ok", "n": 7 },
      status: { code: SpanStatusCode.ERROR, message: long },
      events: [{ name: "exception", time: [1_700_000_000, 5], attributes: { "exception.stacktrace": long } }],
      links: [{ context: { traceId: TRACE_ID, spanId: "1111111111111111", traceFlags: 1 }, attributes: { note: long } }],
    });
    const cut = `${"x".repeat(10)}…[truncated 40 chars]`;
    const decoded = onlySpan(decode(build([span], { maxContentLength: 10, encoding: "json" })!.body, "json"));
    const attrs = attributes(decoded.attributes);
    expect(attrs["db.statement"]).toEqual({ stringValue: cut });
    expect(attrs.tags).toEqual({ arrayValue: { values: [{ stringValue: cut }, { stringValue: "short" }] } });
    expect(attrs.short).toEqual({ stringValue: "ok" });
    expect(attrs.n).toEqual({ intValue: 7 });
    expect(decoded.status).toEqual({ code: SpanStatusCode.ERROR, message: cut });
    expect(attributes(decoded.events[0].attributes)["exception.stacktrace"]).toEqual({ stringValue: cut });
    expect(attributes(decoded.links[0].attributes).note).toEqual({ stringValue: cut });
  });

  it("never changes the spans it encodes (other exporters may hold them)", () => {
    const original = { "http.request.header.authorization": "Bearer s3cret", long: "y".repeat(100) };
    const span = makeSpan({ attributes: { ...original }, status: { code: SpanStatusCode.ERROR, message: "z".repeat(100) } });
    const resourceBefore = { ...span.resource.attributes };
    build([span], { maxContentLength: 10, serviceName: "override" });
    expect(span.attributes).toEqual(original);
    expect(span.status.message).toBe("z".repeat(100));
    expect(span.resource.attributes).toEqual(resourceBefore);
  });

  it("groups spans of different resources into separate resourceSpans, each with the overrides", () => {
    const { instrumentationScope } = makeSpan();
    const a = makeSpan({ instrumentationScope, resource: resourceFromAttributes({ "service.name": "a", "host.name": "h1" }) });
    const b = makeSpan({ instrumentationScope, resource: resourceFromAttributes({ "service.name": "b", "host.name": "h2" }) });
    const decoded = decode(build([a, b, a], { environment: "prod" })!.body, "protobuf");
    expect(decoded.resourceSpans).toHaveLength(2);
    const hosts = decoded.resourceSpans.map((rs: any) => attributes(rs.resource.attributes)["host.name"].stringValue);
    expect(hosts).toEqual(["h1", "h2"]);
    for (const rs of decoded.resourceSpans) {
      expect(attributes(rs.resource.attributes)["deployment.environment"]).toEqual({ stringValue: "prod" });
    }
    expect(decoded.resourceSpans[0].scopeSpans[0].spans).toHaveLength(2);
  });
});

describe("otlpRequestBuilder", () => {
  const privacy = createPrivacy();
  const viewSpans = createOtlpSpanViewer(privacy, createResourceMapper({}, privacy));

  it("cuts a batch into requests of at most maxSpansPerRequest spans, in order", () => {
    const spans = ["a", "b", "c", "d", "e"].map((name) => makeSpan({ name }));
    const built = otlpRequestBuilder({ channelId: "ch", viewSpans, maxSpansPerRequest: 2 }).build(spans);
    expect(built.failedSpans).toBe(0);
    expect(built.requests.map((r) => r.spanCount)).toEqual([2, 2, 1]);
    const names = built.requests.flatMap((r) =>
      decode(r.body, "protobuf").resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.name))),
    );
    expect(names).toEqual(["a", "b", "c", "d", "e"]);
    expect(new Set(built.requests.map((r) => r.idempotencyKey)).size).toBe(3);
  });

  it("counts the spans of a chunk the serializer cannot encode as failed, and still builds the others", () => {
    const broken = makeSpan({
      name: "broken",
      spanContext: () => {
        throw new Error("no context");
      },
    });
    const built = otlpRequestBuilder({ channelId: "ch", viewSpans, maxSpansPerRequest: 2 }).build([
      makeSpan({ name: "ok-1" }),
      broken,
      makeSpan({ name: "ok-2" }),
    ]);
    expect(built.failedSpans).toBe(2);
    expect(built.requests.map((r) => r.spanCount)).toEqual([1]);
  });
});
