// Log records through the lane behind the exporter, run on this thread over a
// transport the tests drive (the same Lane code the sender thread runs): a
// LoggerProvider with AxonPushLogRecordProcessor hands records over once per
// turn; they go out as app.log events in the span's trace; they have their
// own budget (maxLogQueueSize), are counted and said as "log records", and
// never delay or drop a span: a span is sent at once however many records
// wait, records never take the spans' last slots, and a storm of 100,000
// records costs no span.
import { ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { logSlotsOf } from "../src/exporter/delivery-queue.js";
import type { AxonPushSpanExporter } from "../src/exporter/index.js";
import { AxonPushLogRecordProcessor } from "../src/logs/log-record-processor.js";
import type { OutgoingRequest, SendResult } from "../src/transport/types.js";
import { makeSpan } from "./mapping-fixture.js";
import { answeringTransport, callbackRecorder, captureWarnings, exporterOn, flushMicrotasks, manualTransport } from "./queue-fixture.js";

const SPAN_CONTEXT = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: TraceFlags.SAMPLED };
const bodyOf = (request: OutgoingRequest) => JSON.parse(request.body as string) as Record<string, any>;
const isLog = (request: OutgoingRequest) => bodyOf(request).eventType === "app.log";

function loggerOn(exporter: AxonPushSpanExporter) {
  const processor = new AxonPushLogRecordProcessor(exporter);
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ "service.name": "billing" }), processors: [processor] });
  return { processor, provider, logger: provider.getLogger("@opentelemetry/instrumentation-pino", "0.61.0") };
}

/** Settles whatever is on the wire until nothing is left. */
async function settleEverything(wire: ReturnType<typeof manualTransport>) {
  while (wire.pending.length > 0) {
    wire.settleAll({ kind: "success", status: 200 });
    await flushMicrotasks();
  }
}

let warnings: ReturnType<typeof captureWarnings>;
const cleanups: (() => Promise<unknown>)[] = [];
beforeEach(() => {
  warnings = captureWarnings();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  warnings.restore();
  vi.useRealTimers();
});

describe("log records through the exporter's lane", () => {
  it("hand over once per turn and go out as app.log events in the active span's trace", async () => {
    const { transport, sent } = answeringTransport({ kind: "success", status: 200 });
    const exporter = exporterOn(transport);
    const { logger, processor } = loggerOn(exporter);
    cleanups.push(() => processor.shutdown());
    // The context a log library's call runs in (no context manager in this test: given explicitly).
    const inSpan = trace.setSpanContext(ROOT_CONTEXT, SPAN_CONTEXT);
    logger.emit({ severityNumber: 9, severityText: "info", body: "user 42 loaded", attributes: { name: "api", "user.id": 42 }, context: inSpan });
    logger.emit({ severityNumber: 13, severityText: "warn", body: "outside" });
    // Nothing crosses before the end of the turn.
    expect(sent).toHaveLength(0);
    await flushMicrotasks();
    expect(sent.map(bodyOf)).toEqual([
      expect.objectContaining({
        identifier: "api",
        eventType: "app.log",
        traceId: SPAN_CONTEXT.traceId,
        parentSpanId: SPAN_CONTEXT.spanId,
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        metadata: { framework: "pino", "axonpush.parent_event_id": SPAN_CONTEXT.spanId },
        dedupKey: expect.stringMatching(/^otel-log:4bf92f3577b34da6a3ce929d0e0e4736:[0-9a-f]{16}$/),
        payload: {
          severityNumber: 9,
          severityText: "info",
          body: "user 42 loaded",
          timeUnixNano: expect.stringMatching(/^\d{19}$/),
          attributes: { name: "api", "user.id": "42" },
          resource: { "service.name": "billing" },
        },
      }),
      expect.objectContaining({ identifier: "pino", traceId: expect.stringMatching(/^[0-9a-f]{32}$/) }),
    ]);
    expect(bodyOf(sent[1]!)).not.toHaveProperty("parentSpanId");
    expect(bodyOf(sent[1]!).traceId).not.toBe(SPAN_CONTEXT.traceId);
  });

  it("forceFlush resolves once the records are delivered", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport);
    const { logger, processor } = loggerOn(exporter);
    cleanups.push(() => processor.shutdown());
    logger.emit({ body: "one" });
    let flushed = false;
    const flushing = processor.forceFlush().then(() => (flushed = true));
    await flushMicrotasks();
    expect(wire.pending).toHaveLength(1);
    expect(flushed).toBe(false);
    wire.settleAll({ kind: "success", status: 200 });
    await flushing;
    expect(flushed).toBe(true);
  });

  it("send a span at once however many records wait, and leave the spans a slot of their own", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { concurrency: 8 });
    const { logger, processor } = loggerOn(exporter);
    cleanups.push(async () => {
      await settleEverything(wire);
      await processor.shutdown();
    });
    for (let i = 0; i < 100; i++) logger.emit({ body: `record ${i}` });
    await flushMicrotasks();
    // Records take at most six of the eight slots.
    expect(wire.pending.length).toBe(logSlotsOf(8));
    expect(logSlotsOf(8)).toBe(6);
    exporter.export([makeSpan({ name: "checkout" })], callbackRecorder().callback);
    // On the wire at once, beside the records, not after the 94 that wait.
    expect(wire.pending.filter((entry) => !isLog(entry.request)).map((entry) => bodyOf(entry.request).identifier)).toEqual(["checkout"]);
    // A freed slot goes to a waiting span before any waiting record.
    exporter.export([makeSpan({ name: "a" }), makeSpan({ name: "b" }), makeSpan({ name: "c" })], callbackRecorder().callback);
    expect(wire.pending).toHaveLength(8);
    wire.pending.find((entry) => isLog(entry.request))!.settle({ kind: "success", status: 200 });
    await flushMicrotasks();
    expect(wire.sent.slice(-1).map((request) => bodyOf(request).identifier)).toEqual(["b"]);
  });

  it("keep to their own budget (maxLogQueueSize): the rest are counted and said as log records, the spans' budget untouched", async () => {
    vi.useFakeTimers();
    const { transport, sent } = answeringTransport({ kind: "success", status: 200 });
    const exporter = exporterOn(transport, { maxLogQueueSize: 10, maxQueueSize: 5 }, { firstReportDelayMs: 10 });
    const { logger, processor } = loggerOn(exporter);
    for (let i = 0; i < 25; i++) logger.emit({ body: `record ${i}` });
    exporter.export([1, 2, 3, 4, 5].map((i) => makeSpan({ name: `span-${i}` })), callbackRecorder().callback);
    await vi.advanceTimersByTimeAsync(50);
    // Handed over in batches of maxLogQueueSize; the lane takes what its room allows at each.
    expect(sent.filter((request) => !isLog(request))).toHaveLength(5);
    expect(sent.filter(isLog).length).toBeGreaterThanOrEqual(10);
    expect(warnings.messages.filter((line) => /log record/.test(line))).toEqual([
      expect.stringMatching(/^\d+ log records not delivered in the last 1 s: \d+ sender log queue full \(AXONPUSH_LOG_QUEUE_SIZE\)$/),
    ]);
    expect(warnings.messages.filter((line) => /span/.test(line))).toEqual([]);
    const said = Number(/^(\d+) log records/.exec(warnings.messages.find((line) => /log record/.test(line))!)![1]);
    expect(said + sent.filter(isLog).length).toBe(25);
    await processor.shutdown();
  });

  it("a storm of 100,000 records in a second costs no span", async () => {
    // A backend that takes 5 ms a request: the storm fills the sender's queue.
    const sent: OutgoingRequest[] = [];
    const transport = {
      send: (request: OutgoingRequest) => {
        sent.push(request);
        return new Promise<SendResult>((resolve) => setTimeout(() => resolve({ kind: "success", status: 200 }), 5));
      },
      close: () => {},
    };
    const exporter = exporterOn(transport, { maxQueueSize: 2048, maxLogQueueSize: 2048 });
    const { logger, processor } = loggerOn(exporter);
    const started = Date.now();
    let spanCount = 0;
    // 100,000 records spread over about a second, a span ending every 500 records.
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 1000; i++) logger.emit({ severityNumber: 9, body: `storm ${round}.${i}`, attributes: { round, i } });
      exporter.export([makeSpan({ name: `during-${round}.a` }), makeSpan({ name: `during-${round}.b` })], callbackRecorder().callback);
      spanCount += 2;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (round + 1) * 10 - (Date.now() - started))));
    }
    await processor.forceFlush();
    await exporter.forceFlush();
    const spans = sent.filter((request) => !isLog(request)).map((request) => bodyOf(request).identifier);
    expect(new Set(spans).size).toBe(spanCount);
    expect(spans).toHaveLength(spanCount);
    expect(warnings.messages.filter((line) => /span/.test(line))).toEqual([]);
    // The storm did overflow: records were lost, and said as such.
    expect(sent.filter(isLog).length).toBeLessThan(100_000);
    await processor.shutdown();
  });
});

describe("sync mode (one request at a time)", () => {
  it("shares its one slot: a span waits for at most the one record on the wire, then goes before the others", async () => {
    const wire = manualTransport();
    const exporter = exporterOn(wire.transport, { mode: "sync" });
    const { logger, processor } = loggerOn(exporter);
    cleanups.push(async () => {
      await settleEverything(wire);
      await processor.shutdown();
    });
    for (let i = 0; i < 5; i++) logger.emit({ body: `record ${i}` });
    await flushMicrotasks();
    exporter.export([makeSpan({ name: "checkout" })], callbackRecorder().callback);
    expect(wire.pending).toHaveLength(1);
    wire.pending[0]!.settle({ kind: "success", status: 200 });
    await flushMicrotasks();
    expect(bodyOf(wire.pending[0]!.request).identifier).toBe("checkout");
  });
});
