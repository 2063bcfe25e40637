import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AxonPushClient } from "../src/client.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";
import { makeSpan } from "./mapping-fixture.js";
import {
  answeringTransport,
  callbackRecorder,
  captureWarnings,
  exporterOn,
  flushMicrotasks,
  manualTransport,
} from "./queue-fixture.js";

const spans = (n: number, prefix = "span") => Array.from({ length: n }, (_, i) => makeSpan({ name: `${prefix}-${i}` }));
const nameOf = (request: { body: string | Uint8Array }) => JSON.parse(request.body as string).identifier as string;

let warnings: ReturnType<typeof captureWarnings>;
beforeEach(() => {
  warnings = captureWarnings();
});
afterEach(() => {
  warnings.restore();
  vi.useRealTimers();
});

describe("background mode", () => {
  it("returns from export() at once and reports SUCCESS only after every event is delivered", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport);
    const recorder = callbackRecorder();
    exporter.export(spans(3), recorder.callback);
    expect(recorder.results).toHaveLength(0);
    expect(wire.pending).toHaveLength(3);
    wire.pending[0]!.settle({ kind: "success", status: 201 });
    wire.pending[0]!.settle({ kind: "success", status: 201 });
    await flushMicrotasks();
    expect(recorder.results).toHaveLength(0);
    wire.settleAll();
    await flushMicrotasks();
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });

  it("reports FAILED when any event of the batch was not delivered", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport);
    const recorder = callbackRecorder();
    exporter.export(spans(3), recorder.callback);
    wire.pending[1]!.settle({ kind: "retryable", status: 503, message: "HTTP 503" });
    wire.settleAll();
    await flushMicrotasks();
    expect(recorder.codes).toEqual(["FAILED"]);
    expect(recorder.results[0]!.error?.message).toContain("1 span(s)");
  });

  it("sends with at most `concurrency` requests in flight, oldest first", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { concurrency: 3 });
    const recorder = callbackRecorder();
    exporter.export(spans(10), recorder.callback);
    expect(wire.pending).toHaveLength(3);
    while (wire.pending.length > 0) {
      wire.pending[0]!.settle({ kind: "success", status: 201 });
      await flushMicrotasks();
      expect(wire.pending.length).toBeLessThanOrEqual(3);
    }
    expect(wire.maxInFlight).toBe(3);
    expect(wire.sent.map(nameOf)).toEqual(spans(10).map((s) => s.name));
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });

  it("calls back SUCCESS once for an empty batch", () => {
    const exporter = exporterOn(manualTransport().transport);
    const recorder = callbackRecorder();
    exporter.export([], recorder.callback);
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });

  it("fails a batch once when one of its spans cannot be mapped, delivering the others", async () => {
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport);
    const recorder = callbackRecorder();
    const broken = makeSpan({
      spanContext: () => {
        throw new Error("broken span");
      },
    });
    exporter.export([makeSpan({ name: "ok-1" }), broken, makeSpan({ name: "ok-2" })], recorder.callback);
    await exporter.forceFlush();
    expect(sent.map(nameOf)).toEqual(["ok-1", "ok-2"]);
    expect(recorder.codes).toEqual(["FAILED"]);
  });

  it("keeps draining when a callback throws", async () => {
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport);
    exporter.export(spans(1), () => {
      throw new Error("processor bug");
    });
    await exporter.forceFlush();
    const recorder = callbackRecorder();
    exporter.export(spans(2), recorder.callback);
    await exporter.forceFlush();
    expect(sent).toHaveLength(3);
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });
});

describe("bounded queue", () => {
  it("drops what does not fit, counts it, fails that batch and warns once", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { maxQueueSize: 5, concurrency: 2 });
    const first = callbackRecorder();
    const second = callbackRecorder();
    exporter.export(spans(4, "a"), first.callback);
    exporter.export(spans(4, "b"), second.callback);
    expect(exporter.queueSize).toBe(5);
    expect(exporter.droppedSpanCount).toBe(3);
    for (let i = 0; i < 5; i++) exporter.export(spans(2, `c${i}`), callbackRecorder().callback);
    expect(exporter.queueSize).toBe(5);
    expect(exporter.droppedSpanCount).toBe(13);
    expect(warnings.messages.filter((m) => m.includes("Dropped"))).toHaveLength(1);
    expect(warnings.messages[0]).toContain("Dropped 3 span(s)");
    expect(warnings.messages[0]).toContain("maxQueueSize 5");

    while (wire.pending.length > 0) {
      wire.settleAll();
      await flushMicrotasks();
    }
    expect(first.codes).toEqual(["SUCCESS"]);
    expect(second.codes).toEqual(["FAILED"]);
    expect(wire.sent.map(nameOf)).toEqual(["a-0", "a-1", "a-2", "a-3", "b-0"]);
  });

  it("sums later drops into at most one warning per interval", async () => {
    vi.useFakeTimers();
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { maxQueueSize: 1, concurrency: 1 }, 10_000);
    exporter.export(spans(1), callbackRecorder().callback);
    for (let i = 0; i < 50; i++) exporter.export(spans(1), callbackRecorder().callback);
    expect(warnings.messages).toHaveLength(1);
    expect(warnings.messages[0]).toContain("Dropped 1 span(s)");
    await vi.advanceTimersByTimeAsync(9_999);
    expect(warnings.messages).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(warnings.messages).toHaveLength(2);
    expect(warnings.messages[1]).toContain("Dropped 49 span(s)");
    expect(warnings.messages[1]).toContain("50 dropped in total");
    // A quiet interval says nothing more.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(warnings.messages).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    wire.settleAll();
  });
});

describe("forceFlush", () => {
  it("resolves only once the queue is empty and nothing is in flight", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { concurrency: 2 });
    exporter.export(spans(4), callbackRecorder().callback);
    let flushed = false;
    const flush = exporter.forceFlush().then(() => (flushed = true));
    wire.settleAll();
    await flushMicrotasks();
    expect(flushed).toBe(false);
    wire.pending[0]!.settle({ kind: "success", status: 201 });
    await flushMicrotasks();
    expect(flushed).toBe(false);
    expect(exporter.pendingRequests()).toHaveLength(1);
    wire.settleAll();
    await flush;
    expect(flushed).toBe(true);
    expect(exporter.pendingRequests()).toEqual([]);
  });

  it("resolves at once when idle", async () => {
    await expect(exporterOn(manualTransport().transport).forceFlush()).resolves.toBeUndefined();
  });

  it("waits for spans whose resource is still detecting, without blocking export()", async () => {
    let release!: () => void;
    const detected = new Promise<string>((resolve) => (release = () => resolve("h-42")));
    const resource = resourceFromAttributes({ "service.name": "svc", "host.id": detected as never });
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport);
    const recorder = callbackRecorder();
    exporter.export([makeSpan({ resource })], recorder.callback);
    expect(sent).toHaveLength(0);
    let flushed = false;
    const flush = exporter.forceFlush().then(() => (flushed = true));
    await flushMicrotasks();
    expect(flushed).toBe(false);
    release();
    await flush;
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body as string).payload.resource["host.id"]).toBe("h-42");
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });
});

describe("shutdown", () => {
  it("fails once, at the deadline, a batch whose resource never finishes detecting", async () => {
    const never = new Promise<string>(() => {});
    const resource = resourceFromAttributes({ "service.name": "svc", "host.id": never as never });
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport, { shutdownTimeoutMs: 20 });
    const recorder = callbackRecorder();
    exporter.export([makeSpan({ resource })], recorder.callback);
    await exporter.shutdown();
    expect(sent).toHaveLength(0);
    // The resource never settles; shutdown still ends on time and answers the batch once.
    expect(recorder.codes).toEqual(["FAILED"]);
  });

  it("flushes first, then closes the transport", async () => {
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const close = vi.spyOn(transport, "close");
    const exporter = exporterOn(transport);
    const recorder = callbackRecorder();
    exporter.export(spans(5), recorder.callback);
    await exporter.shutdown();
    expect(sent).toHaveLength(5);
    expect(recorder.codes).toEqual(["SUCCESS"]);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it("gives up at the deadline with a transport that never settles, failing each batch exactly once", async () => {
    vi.useFakeTimers();
    const wire = manualTransport();
    const never = { send: wire.transport.send, close: vi.fn() }; // close() does not settle anything either
    const exporter = exporterOn(never, { shutdownTimeoutMs: 2000, concurrency: 2 });
    const first = callbackRecorder();
    const second = callbackRecorder();
    exporter.export(spans(3, "a"), first.callback);
    exporter.export(spans(2, "b"), second.callback);
    let done = false;
    const shutdown = exporter.shutdown().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await shutdown;
    expect(never.close).toHaveBeenCalledTimes(1);
    // The three still waiting failed now; the two on the wire (a-0, a-1) are kept for the exit path.
    expect(second.codes).toEqual(["FAILED"]);
    expect(first.codes).toEqual([]);
    expect(exporter.pendingRequests().map(nameOf)).toEqual(["a-0", "a-1", "a-2", "b-0", "b-1"]);
    // Whatever the wire does later, each callback fires once.
    wire.settleAll({ kind: "failure", message: "transport closed" });
    await vi.advanceTimersByTimeAsync(0);
    expect(first.codes).toEqual(["FAILED"]);
    expect(second.codes).toEqual(["FAILED"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is idempotent and makes later exports fail at once", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport);
    const a = exporter.shutdown();
    const b = exporter.shutdown();
    expect(a).toBe(b);
    await a;
    const recorder = callbackRecorder();
    exporter.export(spans(2), recorder.callback);
    expect(recorder.codes).toEqual(["FAILED"]);
    expect(wire.sent).toHaveLength(0);
    await exporter.shutdown();
    await expect(exporter.forceFlush()).resolves.toBeUndefined();
    expect(recorder.results).toHaveLength(1);
  });

  it("in-flight sends ended by close() still call back once", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { shutdownTimeoutMs: 10 });
    const recorder = callbackRecorder();
    exporter.export(spans(2), recorder.callback);
    await exporter.shutdown();
    await flushMicrotasks();
    expect(wire.closed).toBe(true);
    expect(recorder.codes).toEqual(["FAILED"]);
  });
});

describe("sync mode", () => {
  it("publishes one at a time, in order across batches, with sync: true", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { mode: "sync", concurrency: 8 });
    const first = callbackRecorder();
    const second = callbackRecorder();
    exporter.export(spans(3, "a"), first.callback);
    exporter.export(spans(2, "b"), second.callback);
    const order: string[] = [];
    while (wire.pending.length > 0) {
      expect(wire.pending).toHaveLength(1);
      order.push(nameOf(wire.pending[0]!.request));
      wire.pending[0]!.settle({ kind: "success", status: 201 });
      await flushMicrotasks();
    }
    expect(order).toEqual(["a-0", "a-1", "a-2", "b-0", "b-1"]);
    expect(wire.sent.every((r) => JSON.parse(r.body as string).sync === true)).toBe(true);
    expect(first.codes).toEqual(["SUCCESS"]);
    expect(second.codes).toEqual(["SUCCESS"]);
  });
});

describe("problem reports", () => {
  it("reports 401 once in total, naming AXONPUSH_API_KEY and never the key", async () => {
    const { transport } = answeringTransport({
      kind: "failure",
      status: 401,
      message: "HTTP 401: invalid API key ak_queue_secret_value (check AXONPUSH_API_KEY)",
    });
    const exporter = exporterOn(transport);
    for (let i = 0; i < 5; i++) exporter.export(spans(20), callbackRecorder().callback);
    await exporter.forceFlush();
    expect(warnings.messages).toHaveLength(1);
    expect(warnings.messages[0]).toContain("AXONPUSH_API_KEY");
    expect(warnings.messages[0]).not.toContain("ak_queue_secret_value");
  });

  it("reports 403 once, naming AXONPUSH_TENANT_ID and the key's scope", async () => {
    const { transport } = answeringTransport({ kind: "failure", status: 403, message: "HTTP 403: forbidden" });
    const exporter = exporterOn(transport);
    exporter.export(spans(10), callbackRecorder().callback);
    await exporter.forceFlush();
    expect(warnings.messages).toHaveLength(1);
    expect(warnings.messages[0]).toContain("AXONPUSH_TENANT_ID");
    expect(warnings.messages[0]).toContain("scope");
  });

  it("reports 404 once, naming AXONPUSH_CHANNEL_ID and AXONPUSH_BASE_URL", async () => {
    const message = "HTTP 404: channel not found for key ak_queue_secret_value";
    const { transport } = answeringTransport({ kind: "failure", status: 404, message });
    const exporter = exporterOn(transport);
    for (let i = 0; i < 3; i++) exporter.export(spans(10), callbackRecorder().callback);
    await exporter.forceFlush();
    expect(warnings.messages).toEqual([expect.stringContaining("HTTP 404: channel not found for key [REDACTED]")]);
    expect(warnings.messages[0]).not.toContain("ak_queue_secret_value");
    expect(warnings.messages[0]).toContain("AXONPUSH_CHANNEL_ID");
    expect(warnings.messages[0]).toContain("AXONPUSH_BASE_URL");
  });

  it.each([
    ["400", 400, "HTTP 400: missing x-tenant-id header (set AXONPUSH_TENANT_ID)", "Set AXONPUSH_TENANT_ID", {}],
    ["400", 400, "HTTP 400: channel_id must be a non-empty string", "Set AXONPUSH_CHANNEL_ID", { channelId: undefined }],
    ["422", 422, "HTTP 422: validation failed (body.channel_id: expected string)", "Check AXONPUSH_CHANNEL_ID", {}],
  ])("a %s about the tenant or the channel is reported once, naming the variable", async (_name, status, message, expected, options) => {
    const tenantless = new AxonPushClient({ apiKey: "ak_queue_secret_value", baseUrl: "http://127.0.0.1:9" });
    const { transport } = answeringTransport({ kind: "failure", status, message });
    const exporter = new AxonPushSpanExporter({ client: tenantless, channelId: "ch_q", ...options }, { transport });
    for (let i = 0; i < 3; i++) exporter.export(spans(10), callbackRecorder().callback);
    await exporter.forceFlush();
    expect(warnings.messages).toHaveLength(1);
    expect(warnings.messages[0]).toContain(expected);
    expect(warnings.messages[0]).toContain(message);
  });

  it("reports other rejections with their status and message, rate-limited", async () => {
    vi.useFakeTimers();
    const { transport } = answeringTransport({ kind: "failure", status: 422, message: "HTTP 422: payload too deep" });
    const exporter = exporterOn(transport, {}, 10_000);
    exporter.export(spans(10), callbackRecorder().callback);
    await vi.advanceTimersByTimeAsync(0);
    expect(warnings.messages).toEqual([expect.stringContaining("HTTP 422: payload too deep")]);
    await vi.advanceTimersByTimeAsync(10_000);
    exporter.export(spans(1), callbackRecorder().callback);
    await vi.advanceTimersByTimeAsync(0);
    expect(warnings.messages).toHaveLength(2);
    expect(warnings.messages[1]).toContain("9 more since the last warning");
  });
});
