// The app's side of the sender thread (src/sender/sender-lane.ts): only what
// the thread's queue has room for crosses — its bound (AXONPUSH_QUEUE_SIZE,
// AXONPUSH_LOG_QUEUE_SIZE) less what its lane holds and what was posted but
// not taken off the channel yet, as the thread shares them. Spans beyond the
// room wait on the app's thread as records, in order, until room frees
// (export() still answers at once); after ROOM_WAIT_MS, at exit, or beyond
// one queue's worth waiting they are counted (said as the sender's full
// queue). Log records are counted at once.
// Nothing counted is cloned: an overloaded sender must not cost the app a
// copy of everything it will drop. A fake thread stands in for the worker, so
// the shared counts are the test's to set.
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { logSinkOf } from "../src/exporter/log-sink.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";
import { logRecordOf, type LogBatch } from "../src/sender/log-records.js";
import type { ToSender } from "../src/sender/protocol.js";
import { SPAN } from "../src/sender/records.js";
import { ROOM_WAIT_MS } from "../src/sender/sender-lane.js";
import type { SenderThread } from "../src/sender/sender-thread.js";
import { makeSpan } from "./mapping-fixture.js";

/** A running sender thread that only keeps what is posted to it. */
function fakeThread() {
  const posted: ToSender[] = [];
  const exitDrainHooks: (() => void)[] = [];
  const unansweredHooks: (() => void)[] = [];
  const thread = {
    state: "running",
    entry: "unused",
    ensureStarted: () => true,
    post: (message: ToSender) => (posted.push(message), true),
    allowAtExit: () => undefined,
    showDebugLines: () => undefined,
    onGone: () => () => undefined,
    onExitUnanswered: (hook: () => void) => (unansweredHooks.push(hook), () => undefined),
    warningsHeard: 0,
    beforeExitDrain: (hook: () => void) => (exitDrainHooks.push(hook), () => undefined),
    ask: async () => undefined,
    drainForExit: () => ({ kind: "drained", elapsedMs: 0 }),
  };
  return { thread: thread as unknown as SenderThread & { warningsHeard: number }, posted, exitDrainHooks, unansweredHooks };
}

/** The exporter over a fake thread, and the words the thread would share: what it took and what it holds. */
function exporterOverFakeThread(options: { maxQueueSize?: number; maxLogQueueSize?: number }) {
  const { thread, posted, exitDrainHooks, unansweredHooks } = fakeThread();
  const client = new AxonPushClient({ apiKey: "ak_room", tenantId: "t_room", baseUrl: "http://127.0.0.1:9" });
  const exporter = new AxonPushSpanExporter({ client, channelId: "ch_room", ...options }, { thread });
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
  return { exporter, posted, threadNow, exitDrainHooks, unansweredHooks, thread };
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
  const names = posted.flatMap((m) => (m.type === "spans" ? m.batch.spans.map((span) => span[SPAN.name]) : []));
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

  it("spans beyond the room wait for it on the app's thread, in order, and cross as it frees; export() answers at once", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    const first = exportSpans(exporter, 4);
    expect(crossed(posted).count).toBe(4);

    // 4 posted, none taken yet: room for 6; the other 2 wait.
    const second = exportSpans(exporter, 8);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 0 });
    expect([...first.answers, ...second.answers]).toEqual([{ code: ExportResultCode.SUCCESS }, { code: ExportResultCode.SUCCESS }]);

    // The thread took all 10 and still holds them: nothing more crosses.
    threadNow({ spansTaken: 10, spansHeld: 10 });
    await vi.advanceTimersByTimeAsync(50);
    expect(crossed(posted).count).toBe(10);

    // A batch that comes meanwhile goes behind the waiting spans, however much room there is by then.
    exportSpans(exporter, 3);
    expect(crossed(posted).count).toBe(10);

    // It sent 9: room for 9, the waiting 2 and the 3 behind them cross in order, nothing counted.
    threadNow({ spansHeld: 1 });
    await vi.advanceTimersByTimeAsync(20);
    expect(crossed(posted)).toMatchObject({ count: 15, queueFull: 0 });
    expect(crossed(posted).names.slice(10)).toEqual(["span-6", "span-7", "span-0", "span-1", "span-2"]);
  });

  it("spans still waiting after ROOM_WAIT_MS are counted as lost (the sender's full queue)", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    exportSpans(exporter, 10);
    threadNow({ spansTaken: 10, spansHeld: 10 });
    exportSpans(exporter, 5);
    await vi.advanceTimersByTimeAsync(ROOM_WAIT_MS - 100);
    expect(crossed(posted).queueFull).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 5 });
  });

  it("at most one queue's worth waits: a batch larger than the queue waits in part, beyond that spans are counted at once", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    // 10 cross, 10 wait, 5 are counted.
    exportSpans(exporter, 25);
    expect(crossed(posted)).toMatchObject({ count: 10, queueFull: 5 });
    threadNow({ spansTaken: 10, spansHeld: 0 });
    await vi.advanceTimersByTimeAsync(20);
    expect(crossed(posted)).toMatchObject({ count: 20, queueFull: 5 });

    threadNow({ spansTaken: 20, spansHeld: 10 });
    exportSpans(exporter, 8);
    exportSpans(exporter, 8);
    expect(crossed(posted)).toMatchObject({ count: 20 });
    expect(crossed(posted).queueFull).toBe(5 + 6);
  });

  it("flush() waits for the waiting spans to cross and keeps the process alive meanwhile; the exit drain hands them over at once", async () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    exportSpans(exporter, 10);
    threadNow({ spansTaken: 10, spansHeld: 10 });
    exportSpans(exporter, 4);
    const timers = vi.spyOn(globalThis, "setTimeout");
    await vi.advanceTimersByTimeAsync(20);
    const roomTimer = () => timers.mock.results.at(-1)!.value as { hasRef(): boolean };
    // Waiting spans alone never keep the process alive.
    expect(roomTimer().hasRef()).toBe(false);
    let flushed = false;
    void exporter.forceFlush().then(() => (flushed = true));
    await Promise.resolve();
    expect(roomTimer().hasRef()).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    expect(flushed).toBe(false);
    expect(roomTimer().hasRef()).toBe(true);
    threadNow({ spansHeld: 0 });
    await vi.advanceTimersByTimeAsync(20);
    expect(flushed).toBe(true);
    expect(crossed(posted).count).toBe(14);

    // At exit the event loop will not turn again: waiting spans cross with what fits, the rest is counted.
    threadNow({ spansTaken: 14, spansHeld: 8 });
    exportSpans(exporter, 5);
    expect(crossed(posted).count).toBe(16);
    exporter.drainAtExit(1_000);
    expect(crossed(posted)).toMatchObject({ count: 16, queueFull: 3 });
  });

  it("the thread's own exit drain (an exporter set up by hand, no preload) hands waiting spans over first", () => {
    const { exporter, posted, threadNow, exitDrainHooks } = exporterOverFakeThread({ maxQueueSize: 10 });
    exportSpans(exporter, 10);
    threadNow({ spansTaken: 10, spansHeld: 4 });
    exportSpans(exporter, 9);
    // Room for 6 (4 held): 3 wait.
    expect(crossed(posted)).toMatchObject({ count: 16, queueFull: 0 });
    // What SenderThread.drainForExit runs before telling the thread to send what it holds: no room, so they are counted.
    for (const hook of exitDrainHooks) hook();
    expect(crossed(posted)).toMatchObject({ count: 16, queueFull: 3 });
  });

  it("an exit drain the thread never answers: what it held is said, with what was counted here if it has said nothing yet", () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const silent = exporterOverFakeThread({ maxQueueSize: 10 });
      // 10 cross (none taken: a thread still starting), 10 wait, 5 are counted; at exit the 10 waiting are counted too.
      exportSpans(silent.exporter, 25);
      silent.exporter.drainAtExit(100);
      for (const hook of silent.unansweredHooks) hook();
      const spoken = exporterOverFakeThread({ maxQueueSize: 10 });
      exportSpans(spoken.exporter, 25);
      spoken.thread.warningsHeard = 1;
      spoken.exporter.drainAtExit(100);
      for (const hook of spoken.unansweredHooks) hook();
      const lines = stderr.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("not delivered"));
      expect(lines).toEqual([
        expect.stringMatching(/AxonPushWarning: 25 spans not delivered before exit: 15 sender queue full \(AXONPUSH_QUEUE_SIZE\), 10 unsent or unanswered when the exit budget ran out/),
        // It may have said the 15 already: only what it held.
        expect.stringMatching(/AxonPushWarning: 10 spans not delivered before exit: 10 unsent or unanswered when the exit budget ran out/),
      ]);
    } finally {
      stderr.mockRestore();
    }
  });

  it("log records: the same, on their own budget", () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxLogQueueSize: 6 });
    const sink = logSinkOf(exporter)!;
    const record = logRecordOf({ seconds: 1, nanos: 0, severityNumber: 9, body: "line", attributes: {}, droppedAttributesCount: 0, scope: { name: "test" }, resource: 0 });
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
