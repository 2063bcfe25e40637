// The lane behind the exporter, run on this thread over a transport the tests drive
// (the same Lane code the sender thread runs): export() answers once the spans are
// handed over; the lane's bounded queue, concurrency, flush, shutdown, sync order,
// and every lost span counted by cause and said.
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
/** Settles whatever is on the wire until nothing is left. */
async function settleEverything(wire: ReturnType<typeof manualTransport>) {
  while (wire.pending.length > 0) {
    wire.settleAll();
    await flushMicrotasks();
  }
}

let warnings: ReturnType<typeof captureWarnings>;
beforeEach(() => {
  warnings = captureWarnings();
});
afterEach(() => {
  warnings.restore();
  vi.useRealTimers();
});

describe("export()", () => {
  it("answers SUCCESS as soon as the spans are handed over, before anything is sent", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport);
    const recorder = callbackRecorder();
    exporter.export(spans(3), recorder.callback);
    expect(recorder.codes).toEqual(["SUCCESS"]);
    expect(wire.pending).toHaveLength(3);
    expect(exporter.sendingFrom).toBe("app-thread");
    await settleEverything(wire);
    expect(recorder.results).toHaveLength(1);
  });

  it("sends with at most `concurrency` requests in flight, oldest first", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { concurrency: 3 });
    exporter.export(spans(10), callbackRecorder().callback);
    expect(wire.pending).toHaveLength(3);
    while (wire.pending.length > 0) {
      wire.pending[0]!.settle({ kind: "success", status: 201 });
      await flushMicrotasks();
      expect(wire.pending.length).toBeLessThanOrEqual(3);
    }
    expect(wire.maxInFlight).toBe(3);
    expect(wire.sent.map(nameOf)).toEqual(spans(10).map((s) => s.name));
  });

  it("calls back SUCCESS once for an empty batch", () => {
    const exporter = exporterOn(manualTransport().transport);
    const recorder = callbackRecorder();
    exporter.export([], recorder.callback);
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });

  it("delivers the others when one span cannot be read, and counts that one as lost", async () => {
    vi.useFakeTimers();
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport);
    const broken = makeSpan({
      spanContext: () => {
        throw new Error("broken span");
      },
    });
    exporter.export([makeSpan({ name: "ok-1" }), broken, makeSpan({ name: "ok-2" })], callbackRecorder().callback);
    await exporter.forceFlush();
    expect(sent.map(nameOf)).toEqual(["ok-1", "ok-2"]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings.messages).toEqual(["1 span not delivered in the last 1 s: 1 could not be encoded"]);
  });

  it("keeps going when a callback throws", async () => {
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport);
    exporter.export(spans(1), () => {
      throw new Error("processor bug");
    });
    const recorder = callbackRecorder();
    exporter.export(spans(2), recorder.callback);
    await exporter.forceFlush();
    expect(sent).toHaveLength(3);
    expect(recorder.codes).toEqual(["SUCCESS"]);
  });
});

describe("bounded queue (AXONPUSH_QUEUE_SIZE)", () => {
  it("drops what does not fit, oldest kept, and says so once, naming the variable", async () => {
    vi.useFakeTimers();
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { maxQueueSize: 5, concurrency: 2 });
    exporter.export(spans(4, "a"), callbackRecorder().callback);
    exporter.export(spans(4, "b"), callbackRecorder().callback);
    for (let i = 0; i < 5; i++) exporter.export(spans(2, `c${i}`), callbackRecorder().callback);
    expect(warnings.messages).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings.messages).toEqual(["13 spans not delivered in the last 1 s: 13 sender queue full (AXONPUSH_QUEUE_SIZE)"]);
    vi.useRealTimers();
    await settleEverything(wire);
    expect(wire.sent.map(nameOf)).toEqual(["a-0", "a-1", "a-2", "a-3", "b-0"]);
  });

  it("builds nothing for the spans it has no room for: they are lost to the full queue, never encoded", async () => {
    vi.useFakeTimers();
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { maxQueueSize: 3, concurrency: 1 });
    // An attribute that throws when read: built, this span would be lost as "could not be encoded".
    const throwing = Object.defineProperty({}, "boom", { enumerable: true, get: () => { throw new Error("unreadable attribute"); } });
    const unencodable = makeSpan({ name: "beyond-room", attributes: throwing });
    exporter.export([...spans(3, "kept"), unencodable, ...spans(2, "beyond")], callbackRecorder().callback);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings.messages).toEqual(["3 spans not delivered in the last 1 s: 3 sender queue full (AXONPUSH_QUEUE_SIZE)"]);
    vi.useRealTimers();
    await settleEverything(wire);
    expect(wire.sent.map(nameOf)).toEqual(["kept-0", "kept-1", "kept-2"]);
  });

  it("sums later losses into one line per interval, and a quiet interval says nothing", async () => {
    vi.useFakeTimers();
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { maxQueueSize: 1, concurrency: 1 }, { reportIntervalMs: 30_000, firstReportDelayMs: 1_000 });
    exporter.export(spans(1), callbackRecorder().callback);
    exporter.export(spans(1), callbackRecorder().callback);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings.messages).toEqual(["1 span not delivered in the last 1 s: 1 sender queue full (AXONPUSH_QUEUE_SIZE)"]);
    for (let i = 0; i < 1_204; i++) exporter.export(spans(1), callbackRecorder().callback);
    // The next line comes 30 s after the first, however soon the next loss.
    await vi.advanceTimersByTimeAsync(29_999);
    expect(warnings.messages).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(warnings.messages[1]).toBe("1,204 spans not delivered in the last 30 s: 1,204 sender queue full (AXONPUSH_QUEUE_SIZE)");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(warnings.messages).toHaveLength(2);
    wire.settleAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
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
    wire.settleAll();
    await flush;
    expect(flushed).toBe(true);
    expect(wire.sent).toHaveLength(4);
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
  it("ends at the deadline when a resource never finishes detecting, answering the batch once", async () => {
    const never = new Promise<string>(() => {});
    const resource = resourceFromAttributes({ "service.name": "svc", "host.id": never as never });
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const exporter = exporterOn(transport, { shutdownTimeoutMs: 20 });
    const recorder = callbackRecorder();
    exporter.export([makeSpan({ resource })], recorder.callback);
    await exporter.shutdown();
    expect(sent).toHaveLength(0);
    expect(recorder.results).toHaveLength(0);
  });

  it("sends what it holds first, then closes the transport", async () => {
    const { transport, sent } = answeringTransport({ kind: "success", status: 201 });
    const close = vi.spyOn(transport, "close");
    const exporter = exporterOn(transport);
    exporter.export(spans(5), callbackRecorder().callback);
    await exporter.shutdown();
    expect(sent).toHaveLength(5);
    expect(close).toHaveBeenCalledTimes(1);
    expect(warnings.messages).toEqual([]);
  });

  it("gives up at the deadline with a transport that never settles, and says how many spans it could not send", async () => {
    vi.useFakeTimers();
    const wire = manualTransport();
    const never = { send: wire.transport.send, close: vi.fn() }; // close() does not settle anything either
    const exporter = exporterOn(never, { shutdownTimeoutMs: 2000, concurrency: 2 });
    exporter.export(spans(3, "a"), callbackRecorder().callback);
    exporter.export(spans(2, "b"), callbackRecorder().callback);
    let done = false;
    const shutdown = exporter.shutdown().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await shutdown;
    expect(never.close).toHaveBeenCalledTimes(1);
    expect(warnings.messages).toEqual(["5 spans not delivered at shutdown: 5 unsent or unanswered at shutdown (AXONPUSH_SHUTDOWN_TIMEOUT_MS)"]);
    // Whatever the wire does later, nothing more is said.
    wire.settleAll({ kind: "failure", message: "transport closed" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(warnings.messages).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is idempotent and makes later exports fail at once, counted", async () => {
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
});

describe("sync mode", () => {
  it("publishes one at a time, in order across batches, with sync: true", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { mode: "sync", concurrency: 8 });
    exporter.export(spans(3, "a"), callbackRecorder().callback);
    exporter.export(spans(2, "b"), callbackRecorder().callback);
    const order: string[] = [];
    while (wire.pending.length > 0) {
      expect(wire.pending).toHaveLength(1);
      order.push(nameOf(wire.pending[0]!.request));
      wire.pending[0]!.settle({ kind: "success", status: 201 });
      await flushMicrotasks();
    }
    expect(order).toEqual(["a-0", "a-1", "a-2", "b-0", "b-1"]);
    expect(wire.sent.every((r) => JSON.parse(r.body as string).sync === true)).toBe(true);
  });
});

describe("problem reports", () => {
  it("reports 401 once, at once, naming AXONPUSH_API_KEY and never the key; the lost spans are counted", async () => {
    vi.useFakeTimers();
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
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings.messages).toHaveLength(2);
    expect(warnings.messages[1]).toBe(
      "100 spans not delivered in the last 1 s: 100 refused by AxonPush (HTTP 401: invalid API key [REDACTED] (check AXONPUSH_API_KEY))",
    );
    expect(warnings.messages.join("\n")).not.toContain("ak_queue_secret_value");
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

  it("says other rejections and given-up sends in the loss line, with the server's last words", async () => {
    vi.useFakeTimers();
    let n = 0;
    const { transport } = answeringTransport(() =>
      n++ % 2 === 0 ? { kind: "failure", status: 422, message: "HTTP 422: payload too deep" } : { kind: "retryable", status: 503, message: "HTTP 503" },
    );
    const exporter = exporterOn(transport);
    exporter.export(spans(10), callbackRecorder().callback);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings.messages).toEqual([
      "10 spans not delivered in the last 1 s: 5 refused by AxonPush (HTTP 422: payload too deep), " +
        "5 not delivered after retries (AXONPUSH_BASE_URL unreachable or failing; AXONPUSH_TIMEOUT, AXONPUSH_MAX_RETRIES) (HTTP 503)",
    ]);
  });
});
