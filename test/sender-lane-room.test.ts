// The app's side of the sender thread (src/sender/sender-lane.ts): only what
// the thread's queue has room for crosses — its bound (AXONPUSH_QUEUE_SIZE,
// AXONPUSH_LOG_QUEUE_SIZE) less what its lane holds and what was posted but
// not taken off the channel yet, as the thread shares them. Spans beyond the
// room wait on the app's thread, in order, until room frees (export()
// answers then, so the batch processor keeps later spans in its own queue);
// after ROOM_WAIT_MS, at exit, or beyond one queue's worth waiting they are
// counted (said as the sender's full queue). Log records are counted at once.
// Nothing counted is cloned: an overloaded sender must not cost the app a
// copy of everything it will drop. A fake thread stands in for the worker, so
// the shared counts are the test's to set.
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { logSinkOf } from "../src/exporter/log-sink.js";
import { AxonPushBatchSpanProcessor, AxonPushSpanExporter } from "../src/exporter/index.js";
import type { LogBatch, LogRecordRecord } from "../src/sender/log-records.js";
import type { ToSender } from "../src/sender/protocol.js";
import { ROOM_WAIT_MS } from "../src/sender/sender-lane.js";
import type { SenderThread } from "../src/sender/sender-thread.js";
import { makeSpan } from "./mapping-fixture.js";

/** A running sender thread that only keeps what is posted to it. */
function fakeThread() {
  const posted: ToSender[] = [];
  const thread = {
    state: "running",
    entry: "unused",
    ensureStarted: () => true,
    post: (message: ToSender) => (posted.push(message), true),
    allowAtExit: () => undefined,
    showDebugLines: () => undefined,
    onGone: () => () => undefined,
    onExitUnanswered: () => () => undefined,
    beforeExitDrain: () => () => undefined,
    ask: async () => undefined,
    drainForExit: () => ({ kind: "drained", elapsedMs: 0 }),
  };
  return { thread: thread as unknown as SenderThread, posted };
}

/** The exporter over a fake thread, and the words the thread would share: what it took and what it holds. */
function exporterOverFakeThread(options: { maxQueueSize?: number; maxLogQueueSize?: number }, { spansMayWait = true } = {}) {
  const { thread, posted } = fakeThread();
  const client = new AxonPushClient({ apiKey: "ak_room", tenantId: "t_room", baseUrl: "http://127.0.0.1:9" });
  const exporter = new AxonPushSpanExporter({ client, channelId: "ch_room", ...options }, { thread });
  // What AxonPushBatchSpanProcessor does for the exporter it is given (its own drops are counted).
  if (spansMayWait) exporter.letSpansWaitForRoom();
  const shared = () => {
    const open = posted.find((message) => message.type === "open");
    if (open?.type !== "open") throw new Error("the lane was not opened");
    return new Int32Array(open.shared);
  };
  const threadNow = (words: { spansTaken?: number; spansHeld?: number; logsTaken?: number; logsHeld?: number }) => {
    const [spansTaken, spansHeld, logsTaken, logsHeld] = [words.spansTaken, words.spansHeld, words.logsTaken, words.logsHeld];
    [spansTaken, spansHeld, logsTaken, logsHeld].forEach((value, index) => {
      if (value !== undefined) Atomics.store(shared(), index, value);
    });
  };
  return { exporter, posted, threadNow };
}

const spans = (n: number) => Array.from({ length: n }, (_, i) => makeSpan({ name: `span-${i}` }));
const ignore = () => undefined;

function lastOf(posted: ToSender[], type: "spans" | "logs") {
  const message = posted.filter((m) => m.type === type).at(-1);
  if (message?.type === "spans") return { items: message.batch.spans.length, queueFull: message.appLosses?.queueFull ?? 0 };
  if (message?.type === "logs") return { items: message.batch.records.length, queueFull: message.appLosses?.queueFull ?? 0 };
  throw new Error(`nothing of type ${type} was posted`);
}

/** An export() whose answer the test can read. */
function exportSpans(exporter: AxonPushSpanExporter, count: number) {
  const answers: ExportResult[] = [];
  exporter.export(spans(count), (result) => answers.push(result));
  return { answered: () => answers.length > 0, answers };
}

/** Every span of every "spans" message so far, by name, and the last cumulative queue-full count. */
function crossed(posted: ToSender[]) {
  const names = posted.flatMap((m) => (m.type === "spans" ? m.batch.spans.map((span) => span.name) : []));
  const losses = posted.flatMap((m) => (m.type === "spans" && m.appLosses ? [m.appLosses.queueFull ?? 0] : []));
  return { count: names.length, names, queueFull: losses.at(-1) ?? 0 };
}

describe("hand-over to the sender thread: only what its queue has room for crosses", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("spans beyond the room wait for it, in order, and export() answers once the last has crossed", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    const first = exportSpans(exporter, 4);
    expect(crossed(posted).count).toBe(4);
    expect(first.answers).toEqual([{ code: ExportResultCode.SUCCESS }]);

    // 4 posted, none taken yet: room for 6; the other 2 wait and the export is not answered.
    const second = exportSpans(exporter, 8);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 0 });
    expect(second.answered()).toBe(false);

    // The thread took all 10 and still holds them: nothing more crosses.
    threadNow({ spansTaken: 10, spansHeld: 10 });
    await vi.advanceTimersByTimeAsync(50);
    expect(crossed(posted).count).toBe(10);
    expect(second.answered()).toBe(false);

    // A batch that comes meanwhile goes behind the waiting spans, however much room there is by then.
    const third = exportSpans(exporter, 3);
    expect(crossed(posted).count).toBe(10);

    // It sent 9: room for 9, the waiting 2 and the 3 behind them cross in order, and both exports are answered.
    threadNow({ spansHeld: 1 });
    await vi.advanceTimersByTimeAsync(20);
    expect(crossed(posted)).toMatchObject({ count: 15, queueFull: 0 });
    expect(crossed(posted).names.slice(10)).toEqual(["span-6", "span-7", "span-0", "span-1", "span-2"]);
    expect(second.answers).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(third.answers).toEqual([{ code: ExportResultCode.SUCCESS }]);
  });

  it("spans still waiting after ROOM_WAIT_MS are counted as lost (the sender's full queue), and export() answers", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    exportSpans(exporter, 10);
    threadNow({ spansTaken: 10, spansHeld: 10 });
    const waiting = exportSpans(exporter, 5);
    await vi.advanceTimersByTimeAsync(ROOM_WAIT_MS - 100);
    expect(waiting.answered()).toBe(false);
    expect(crossed(posted).queueFull).toBe(0);

    await vi.advanceTimersByTimeAsync(200);
    expect(waiting.answers).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 5 });
  });

  it("one batch may wait whatever its size; beyond one queue's worth waiting, later spans are counted at once", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    const larger = exportSpans(exporter, 25);
    expect(crossed(posted).count).toBe(10);
    threadNow({ spansTaken: 10, spansHeld: 0 });
    await vi.advanceTimersByTimeAsync(20);
    threadNow({ spansTaken: 20, spansHeld: 0 });
    await vi.advanceTimersByTimeAsync(20);
    expect(crossed(posted)).toMatchObject({ count: 25, queueFull: 0 });
    expect(larger.answered()).toBe(true);

    threadNow({ spansTaken: 25, spansHeld: 10 });
    const waits = exportSpans(exporter, 8);
    const counted = exportSpans(exporter, 8);
    expect(waits.answered()).toBe(false);
    expect(counted.answers).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(crossed(posted)).toMatchObject({ count: 25, queueFull: 8 });
  });

  it("flush() waits for the waiting spans to cross; the exit drain hands them over at once", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    exportSpans(exporter, 10);
    threadNow({ spansTaken: 10, spansHeld: 10 });
    exportSpans(exporter, 4);
    let flushed = false;
    void exporter.forceFlush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(flushed).toBe(false);
    threadNow({ spansHeld: 0 });
    await vi.advanceTimersByTimeAsync(20);
    expect(flushed).toBe(true);
    expect(crossed(posted).count).toBe(14);

    // At exit the event loop will not turn again: waiting spans cross with what fits, the rest is counted.
    threadNow({ spansTaken: 14, spansHeld: 8 });
    const atExit = exportSpans(exporter, 5);
    expect(crossed(posted).count).toBe(16);
    exporter.drainAtExit(1_000);
    expect(crossed(posted)).toMatchObject({ count: 16, queueFull: 3 });
    await vi.advanceTimersByTimeAsync(0);
    expect(atExit.answered()).toBe(true);
  });

  it("behind a plain batch processor (it says nothing of its own drops), spans beyond the room are counted at once", () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 }, { spansMayWait: false });
    const first = exportSpans(exporter, 4);
    expect(lastOf(posted, "spans")).toEqual({ items: 4, queueFull: 0 });

    // 4 posted, none taken yet: room for 6.
    const second = exportSpans(exporter, 8);
    expect(lastOf(posted, "spans")).toEqual({ items: 6, queueFull: 2 });

    // The thread took all 10 and holds them: nothing crosses but the count.
    threadNow({ spansTaken: 10, spansHeld: 10 });
    exportSpans(exporter, 3);
    expect(lastOf(posted, "spans")).toEqual({ items: 0, queueFull: 5 });

    // It sent 3 of them: room for 3 again.
    threadNow({ spansHeld: 7 });
    exportSpans(exporter, 5);
    expect(lastOf(posted, "spans")).toEqual({ items: 3, queueFull: 7 });
    expect([...first.answers, ...second.answers]).toEqual([{ code: ExportResultCode.SUCCESS }, { code: ExportResultCode.SUCCESS }]);
  });

  it("AxonPushBatchSpanProcessor lets spans wait, within half its export timeout", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 }, { spansMayWait: false });
    new AxonPushBatchSpanProcessor(exporter, { exportTimeoutMillis: 1_000 });
    exportSpans(exporter, 10);
    threadNow({ spansTaken: 10, spansHeld: 10 });
    const waiting = exportSpans(exporter, 5);
    await vi.advanceTimersByTimeAsync(450);
    expect(waiting.answered()).toBe(false);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 0 });
    await vi.advanceTimersByTimeAsync(100);
    expect(waiting.answered()).toBe(true);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 5 });
  });

  it("log records: the same, on their own budget", () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxLogQueueSize: 6 });
    const sink = logSinkOf(exporter)!;
    const record = { seconds: 1, nanos: 0, severityNumber: 9, body: "line", resource: 0 } as unknown as LogRecordRecord;
    const batch = (n: number): LogBatch => ({ records: Array.from({ length: n }, () => record), resources: [], unreadable: 0 });

    sink.handOverLogs(batch(4));
    expect(lastOf(posted, "logs")).toEqual({ items: 4, queueFull: 0 });
    sink.handOverLogs(batch(4));
    expect(lastOf(posted, "logs")).toEqual({ items: 2, queueFull: 2 });

    threadNow({ logsTaken: 6, logsHeld: 6 });
    sink.handOverLogs(batch(10));
    expect(lastOf(posted, "logs")).toEqual({ items: 0, queueFull: 12 });

    threadNow({ logsHeld: 1 });
    sink.handOverLogs(batch(10));
    expect(lastOf(posted, "logs")).toEqual({ items: 5, queueFull: 17 });
    // The spans' budget is untouched.
    exporter.export(spans(3), ignore);
    expect(lastOf(posted, "spans")).toEqual({ items: 3, queueFull: 0 });
  });
});
