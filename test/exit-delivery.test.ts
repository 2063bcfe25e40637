/**
 * The synchronous exit-time delivery: what it collects from a real
 * AxonPushSpanExporter and the pending processor, and how the worker-thread
 * sender behaves against the local receiver (run in a child process, since
 * the sender blocks its thread while the receiver here must answer).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AxonPushClient } from "../src/client.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";
import { PendingSpanProcessor } from "../src/exit/index.js";
import { collectUndelivered } from "../src/exit/exit-delivery.js";
import type { ResolvedRequest, SyncSendResult } from "../src/exit/sync-sender.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { eventToRequest } from "../src/exporter/serialize.js";
import { refusalsOf } from "../src/transport/refused-properties.js";
import { REFUSED_BY, SUITE_APIS } from "./helpers/api-versions.js";
import { TraceFlags } from "@opentelemetry/api";
import { mapSpan, type SpanMapping } from "../src/exporter/map-span.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { makeSpan, TRACE_ID } from "./mapping-fixture.js";
import { PACKAGE_ROOT } from "./exit-harness.js";

/** A transport whose sends never settle: everything handed to it stays pending. */
class StuckTransport implements Transport {
  readonly sent: OutgoingRequest[] = [];
  send(request: OutgoingRequest): Promise<SendResult> {
    this.sent.push(request);
    return new Promise(() => {});
  }
  close(): void {}
}

describe("collectUndelivered", () => {
  it("takes the exporter's unsettled requests as they are, and prepares spans the exporter never received", async () => {
    const transport = new StuckTransport();
    const client = new AxonPushClient({ apiKey: "secret-key", tenantId: "tenant-1", baseUrl: "http://127.0.0.1:9/base/" });
    const exporter = new AxonPushSpanExporter({ client, channelId: "ch_1", environment: "staging" }, { transport });
    const pending = new PendingSpanProcessor();
    const batch = new BatchSpanProcessor(pending.observe(exporter), { scheduledDelayMillis: 60_000 });
    const provider = new BasicTracerProvider({ spanProcessors: [pending, batch] });
    const tracer = provider.getTracer("t");

    tracer.startSpan("handed-off").end();
    // Never settles (the transport is stuck): the provider gives up after its 30 s timeout, later in this file.
    provider.forceFlush().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(transport.sent).toHaveLength(1);
    tracer.startSpan("still-buffered").end();

    const requests = collectUndelivered({ exporter, pendingSpans: pending });
    expect(requests.map((r) => JSON.parse(String(r.body)).identifier)).toEqual(["handed-off", "still-buffered"]);
    // The in-flight request is resent under its own key, so the server can drop a duplicate.
    expect(requests[0]!.headers["Idempotency-Key"]).toBe(transport.sent[0]!.idempotencyKey);
    expect(requests[0]!.body).toBe(transport.sent[0]!.body);
    for (const request of requests) {
      expect(request.url).toBe("http://127.0.0.1:9/base/event");
      expect(request.headers).toMatchObject({
        "x-axonpush-api-key": "secret-key",
        "X-API-Key": "secret-key",
        "x-tenant-id": "tenant-1",
        "X-Axonpush-Environment": "staging",
      });
    }
    // Prepared once: a second pass does not prepare the buffered span again.
    expect(collectUndelivered({ exporter, pendingSpans: pending })).toHaveLength(1);
  });

  it("leaves out what the server refused by name, under the key the exporter derived for that body", async () => {
    const transport = new StuckTransport();
    const baseUrl = `http://127.0.0.1:9/refusing-${Date.now()}`;
    const client = new AxonPushClient({ apiKey: "secret-key", baseUrl });
    const exporter = new AxonPushSpanExporter({ client, channelId: "ch_1" }, { transport });
    exporter.export([makeSpan({ name: "queued-before-the-refusal" })], () => {});
    await new Promise((resolve) => setImmediate(resolve));
    const [inFlight] = transport.sent;
    expect(JSON.parse(inFlight!.body as string)).toHaveProperty("dedupKey");

    refusalsOf(baseUrl).learn(["dedupKey"]);
    const [resolved] = collectUndelivered({ exporter });
    expect(JSON.parse(String(resolved!.body))).not.toHaveProperty("dedupKey");
    expect(resolved!.headers["Idempotency-Key"]).toBe(`${inFlight!.idempotencyKey}~without-dedupKey`);
    expect(resolved!.optional?.leftOut).toEqual(["dedupKey"]);
  });

  it("never throws, whatever the exporter does", () => {
    const broken = {
      forceFlush: async () => {},
      prepare: () => {
        throw new Error("cannot map");
      },
      pendingRequests: () => {
        throw new Error("cannot read");
      },
      client: { baseUrl: "http://x", headersFor: () => ({}) },
      environment: undefined,
    };
    const pending = new PendingSpanProcessor();
    const provider = new BasicTracerProvider({ spanProcessors: [pending] });
    provider.getTracer("t").startSpan("s").end();
    expect(collectUndelivered({ exporter: broken, pendingSpans: pending })).toEqual([]);
  });
});

function sendFromChild(requests: ResolvedRequest[], timeoutMs: number): Promise<SyncSendResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(PACKAGE_ROOT, "fixtures", "exit", "send-sync.ts"), JSON.stringify({ requests, timeoutMs })],
      { cwd: PACKAGE_ROOT, timeout: 20_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim().split("\n").pop()!) as SyncSendResult)),
    );
  });
}

describe("sendSynchronously (worker thread + Atomics.wait)", () => {
  let receiver: LocalReceiver;
  beforeAll(async () => {
    receiver = await startLocalReceiver({ apiKey: "k", tenantId: "t" });
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  function eventRequest(name: string, key: string): ResolvedRequest {
    const body = {
      identifier: name,
      eventType: "custom",
      channel_id: "ch_1",
      payload: { note: name },
    };
    return {
      url: `${receiver.url}/event`,
      headers: { "X-API-Key": "k", "x-tenant-id": "t", "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(body),
    };
  }

  it("delivers every request before returning", async () => {
    const result = await sendFromChild([eventRequest("a", "key-a"), eventRequest("b", "key-b"), eventRequest("c", "key-c")], 5_000);
    expect(result).toMatchObject({ kind: "sent", accepted: 3 });
    expect(receiver.events.map((event) => event.idempotencyKey).sort()).toEqual(["key-a", "key-b", "key-c"]);
  });

  it("retries a 503 under the same key within the deadline", async () => {
    receiver.failNext({ status: 503 });
    const result = await sendFromChild([eventRequest("retried", "key-r")], 5_000);
    expect(result).toMatchObject({ kind: "sent", accepted: 1 });
    expect(receiver.requestCount).toBe(2);
    expect(receiver.events.map((event) => event.idempotencyKey)).toEqual(["key-r"]);
  });

  it("does not retry a 4xx other than 408/429", async () => {
    receiver.failNext({ status: 400 });
    const result = await sendFromChild([eventRequest("rejected", "key-x")], 5_000);
    expect(result).toMatchObject({ kind: "sent", accepted: 0 });
    expect(receiver.requestCount).toBe(1);
  });

  it("gives up at the deadline when the backend never answers", async () => {
    receiver.failNext({ hang: true, times: 10 });
    // Long enough for the worker to start and reach the receiver on a busy machine (300 ms was not).
    const result = await sendFromChild([eventRequest("hung", "key-h")], 2_000);
    expect(result.kind).toBe("timed-out");
    expect(receiver.requestCount).toBe(1);
  });
});

const privacy = createPrivacy({ maxContentLength: 4096 });
const mapping: SpanMapping = { channelId: "ch_1", sync: false, privacy, mapResource: createResourceMapper({}, privacy) };

describe.each(SUITE_APIS)("sendSynchronously against the %s API", (api) => {
  let receiver: LocalReceiver;
  beforeAll(async () => {
    receiver = await startLocalReceiver({ api, apiKey: "k", tenantId: "t" });
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  /**
   * An exporter's event request for a span of its own, resolved the way the exit path does
   * (see exit-delivery.ts); `refused`: what the exporter has already learned this server refuses.
   */
  function spanRequest(name: string, index: number, refused: readonly string[] = []): ResolvedRequest {
    const client = new AxonPushClient({ apiKey: "k", tenantId: "t", baseUrl: receiver.url });
    const spanId = (index + 1).toString(16).padStart(16, "0");
    const span = makeSpan({ name, spanContext: () => ({ traceId: TRACE_ID, spanId, traceFlags: TraceFlags.SAMPLED }) });
    const request = eventToRequest(mapSpan(span, mapping), new Set(refused));
    return { url: `${receiver.url}/event`, headers: client.headersFor(request), body: request.body, optional: request.optional };
  }

  // Only nest refuses a property we send; on go the tests above already deliver.
  if (api === "nest") it("delivers every request once, leaving out what the server refuses by name (dedupKey)", async () => {
    const requests = Array.from({ length: 40 }, (_, i) => spanRequest(`exit-${i}`, i));
    // A generous deadline: this is about what arrives, not how fast (a busy machine starts the worker slowly).
    const result = await sendFromChild(requests, 15_000);
    expect(result).toMatchObject({ kind: "sent", accepted: 40 });
    expect(receiver.events.map((event) => event.body.identifier).sort()).toEqual(requests.map((r) => JSON.parse(String(r.body)).identifier).sort());
    expect(receiver.events.every((event) => !("dedupKey" in event.body) && event.idempotencyKey!.endsWith("~without-dedupKey"))).toBe(true);
    // Only the first requests on each of the worker's lanes were refused; the rest went without at once.
    expect(receiver.rejections.length).toBeGreaterThanOrEqual(1);
    expect(receiver.rejections.length).toBeLessThanOrEqual(16);
  });

  it("a request stored and then cut off before the answer is retried and stored once", async () => {
    receiver.failNext({ storeThenDrop: true });
    // As the exporter builds it once it knows what this server refuses (else nest would refuse, not store, the first try).
    const result = await sendFromChild([spanRequest("cut-off", 0, REFUSED_BY[api])], 15_000);
    expect(result).toMatchObject({ kind: "sent", accepted: 1 });
    expect(receiver.events.map((event) => event.body.identifier)).toEqual(["cut-off"]);
  });
});
