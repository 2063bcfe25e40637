// The exporter with `transport: "otlp"`: a real NodeTracerProvider +
// BatchSpanProcessor, real HTTP, the local receiver's /v1/traces. Same
// guarantees as the events transport: forceFlush drains, retries keep the
// Idempotency-Key, Retry-After is honoured, 401 is told once, the queue is
// bounded (in spans), and every lost span is counted (the exit path is in
// exit-delivery.test.ts and exit-otlp.test.ts).
// Accepted by every API version (go, production; nest, the first backend).
import { context, SpanKind, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { SUITE_APIS } from "./helpers/api-versions.js";
import { useExporterHarness } from "./helpers/exporter-harness.js";

const API_KEY = "ak_otlp_secret_91b2";
const TENANT = "org_otlp";
const harnessOptions = {
  apiKey: API_KEY,
  tenantId: TENANT,
  tracerName: "otlp-test",
  exporter: { channelId: "ch_otlp", serviceName: "checkout-api", environment: "staging", transport: "otlp" as const },
};

describe.each(SUITE_APIS)('transport: "otlp" against the %s API', (api) => {
  const { receiver, setUp, endedSpans } = useExporterHarness({ ...harnessOptions, receiver: { api } });

  it("sends a batch as one OTLP request with the AxonPush headers; forceFlush returns once it is stored", async () => {
    const { provider, tracer } = setUp();
    const root = tracer.startSpan("POST /checkout", { kind: SpanKind.SERVER });
    const inRoot = trace.setSpan(context.active(), root);
    tracer.startSpan("db.query", { kind: SpanKind.CLIENT, attributes: { "db.rows_affected": 1 } }, inRoot).end();
    tracer.startSpan("llm.call", { attributes: { prompt_tokens: 128, "http.request.header.authorization": "Bearer x" } }, inRoot).end();
    root.end();
    await provider.forceFlush();

    expect(receiver.rejections).toEqual([]);
    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0]!.headers).toMatchObject({
      "content-type": "application/x-protobuf",
      "x-axonpush-channel": "ch_otlp",
      "x-axonpush-environment": "staging",
      "x-axonpush-api-key": API_KEY,
      "x-api-key": API_KEY,
      "x-tenant-id": TENANT,
    });
    expect(receiver.events[0]!.idempotencyKey).toBeTruthy();
    const spans = receiver.spans();
    expect(spans.map((s) => s.via)).toEqual(["otlp", "otlp", "otlp"]);
    const rootSpan = spans.find((s) => s.name === "POST /checkout")!;
    expect(rootSpan).toMatchObject({ kind: "SERVER", traceId: root.spanContext().traceId, spanId: root.spanContext().spanId });
    for (const child of spans.filter((s) => s !== rootSpan)) expect(child.parentSpanId).toBe(rootSpan.spanId);
    const llm = spans.find((s) => s.name === "llm.call")!;
    expect(llm.attributes).toEqual({ prompt_tokens: "128", "http.request.header.authorization": "[REDACTED]" });
    expect(llm.resource).toMatchObject({ "service.name": "checkout-api", "deployment.environment": "staging", "host.name": "box-7" });
  });
});

describe('transport: "otlp", the channel', () => {
  describe("on go", () => {
    const { receiver, setUp } = useExporterHarness({ ...harnessOptions, receiver: { api: "go" } });

    it("is optional: without one, no X-Axonpush-Channel, and the key's default trace channel takes the batch", async () => {
      const { provider, tracer } = setUp({ client: { tenantId: undefined }, exporter: { channelId: undefined } });
      tracer.startSpan("default-channel").end();
      await provider.forceFlush();
      expect(receiver.rejections).toEqual([]);
      expect(receiver.spans().map((s) => s.name)).toEqual(["default-channel"]);
      expect(receiver.events[0]!.headers).not.toHaveProperty("x-axonpush-channel");
      expect(receiver.events[0]!.headers).not.toHaveProperty("x-tenant-id");
    });
  });

  describe("on nest", () => {
    const { setUp, captureAllOutput } = useExporterHarness({ ...harnessOptions, receiver: { api: "nest" } });

    it("is required: without one, a single line says to set AXONPUSH_CHANNEL_ID", async () => {
      const output = captureAllOutput();
      const { provider, tracer } = setUp({ exporter: { channelId: undefined } });
      for (let round = 0; round < 3; round++) {
        tracer.startSpan(`channelless-${round}`).end();
        await provider.forceFlush().catch(() => undefined);
      }
      const warnings = output.emitWarning.mock.calls.map((call) => String(call[0]));
      expect(warnings).toEqual([expect.stringContaining("Set AXONPUSH_CHANNEL_ID")]);
    });
  });
});

describe('transport: "otlp", whatever the version', () => {
  const { receiver, setUp, recordTries, captureAllOutput, endedSpans } = useExporterHarness(harnessOptions);

  it("5xx then success: the batch is stored once, the same Idempotency-Key on every try", async () => {
    const { client, provider, tracer } = setUp();
    const tries = recordTries();
    receiver.failNext({ status: 503, times: 2 });
    for (let i = 0; i < 5; i++) tracer.startSpan(`flaky-${i}`).end();
    await provider.forceFlush();
    expect(receiver.spans()).toHaveLength(5);
    expect(receiver.events).toHaveLength(1);
    expect(tries().map((t) => t.path)).toEqual(["/v1/traces", "/v1/traces", "/v1/traces"]);
    expect(new Set(tries().map((t) => t.key))).toEqual(new Set([receiver.events[0]!.idempotencyKey]));
  });

  it("429 with Retry-After: waits what the server asked", async () => {
    const { client, provider, tracer } = setUp();
    const tries = recordTries();
    receiver.failNext({ status: 429, retryAfter: "1" });
    tracer.startSpan("rate-limited").end();
    await provider.forceFlush();
    expect(receiver.spans()).toHaveLength(1);
    expect(tries()).toHaveLength(2);
    expect(tries()[1]!.at - tries()[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("401: one warning in total, naming AXONPUSH_API_KEY, never the key; the batch's spans are reported failed", async () => {
    const output = captureAllOutput();
    const { provider, tracer } = setUp({ client: { apiKey: "ak_wrong_value_5150" } });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) tracer.startSpan(`unauthorised-${round}-${i}`).end();
      await provider.forceFlush();
    }
    expect(receiver.requestCount).toBe(3); // one request per batch, never retried
    await provider.shutdown();
    const warnings = output.emitWarning.mock.calls.map((call) => String(call[0]));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("AXONPUSH_API_KEY");
    expect(warnings[1]).toMatch(/^60 spans not delivered at shutdown: 60 refused by AxonPush \(HTTP 401/);
    expect([...output.lines, ...warnings].join("\n")).not.toContain("ak_wrong_value_5150");
  });

  it("sync mode: one batch at a time, in order, with no event-only fields", async () => {
    const { exporter } = setUp({ exporter: { mode: "sync" } });
    // A slow first answer: with parallel sends the later batches would be stored first.
    receiver.failNext({ delayMs: 300 });
    for (const name of ["first", "second", "third"]) exporter.export(endedSpans(4, name), () => undefined);
    await exporter.forceFlush();
    expect(receiver.events).toHaveLength(3);
    const firstNameOf = (i: number) => receiver.events[i]!.body.resourceSpans[0].scopeSpans[0].spans[0].name;
    expect([0, 1, 2].map(firstNameOf)).toEqual(["first-0", "second-0", "third-0"]);
    expect(receiver.rejections).toEqual([]);
  });

  it("warns about spans the server refused within a 200 answer (OTLP partial success)", async () => {
    const output = captureAllOutput();
    const { exporter } = setUp();
    const [good, bad] = endedSpans(2, "partial");
    const zeroIds = { ...bad!, spanContext: () => ({ ...bad!.spanContext(), traceId: "0".repeat(32) }) };
    exporter.export([good!, zeroIds], () => undefined);
    await exporter.forceFlush();
    expect(receiver.requestCount).toBe(1); // the request itself was accepted: nothing to retry
    expect(receiver.spans().map((s) => s.name)).toEqual(["partial-0"]);
    await exporter.shutdown();
    const warnings = output.emitWarning.mock.calls.map((call) => String(call[0]));
    expect(warnings).toEqual([expect.stringMatching(/^1 span not delivered at shutdown: 1 refused by AxonPush \(1 of 2 span\(s\) refused \(partial success\)/)]);
    expect(warnings[0]).toContain("traceId");
  });

  it("bounds the queue in spans: what does not fit is dropped at once, nothing built for it, and counted", async () => {
    const output = captureAllOutput();
    const { exporter } = setUp({ client: { maxRetries: 0 }, exporter: { maxQueueSize: 250, concurrency: 1, shutdownTimeoutMs: 100 }, debug: true });
    receiver.failNext({ hang: true, times: 1000 });
    const batch = endedSpans(100, "load");
    for (let i = 0; i < 5; i++) exporter.export(batch, () => undefined);
    // Two batches and half of the third fill the 250 spans; the rest is refused at once; the held ones are cut off at shutdown.
    await exporter.shutdown();
    const counters = output.lines.find((line) => line.includes("spans at shutdown:"));
    expect(counters).toContain("0 delivered, 500 lost (queueFull 250, shutdown 250), 0 held");
  });

  it("cuts a batch larger than the queue into requests that fit; one queue's worth more waits for room, the rest is counted", async () => {
    const output = captureAllOutput();
    const { exporter, provider } = setUp({ exporter: { maxQueueSize: 40 }, debug: true });
    exporter.export(endedSpans(100, "big"), () => undefined);
    await provider.forceFlush();
    expect(receiver.spans()).toHaveLength(80);
    // No request carries more than the queue holds: 80 spans took at least two.
    expect(receiver.tries.filter((t) => t.path === "/v1/traces").length).toBeGreaterThanOrEqual(2);
    await provider.shutdown();
    expect(output.lines.find((line) => line.includes("spans at shutdown:"))).toContain("80 delivered, 20 lost (queueFull 20), 0 held");
  });

});
