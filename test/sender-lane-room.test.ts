// The app's side of the sender thread (src/sender/sender-lane.ts): only what
// the thread's queue has room for crosses — its bound (AXONPUSH_QUEUE_SIZE,
// AXONPUSH_LOG_QUEUE_SIZE) less what its lane holds and what was posted but
// not taken off the channel yet, as the thread shares them. The rest is
// counted on the app's thread (said as the sender's full queue) and never
// cloned: an overloaded sender must not cost the app a copy of everything it
// will drop. A fake thread stands in for the worker, so the shared counts are
// the test's to set.
import { describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { logSinkOf } from "../src/exporter/log-sink.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";
import type { LogBatch, LogRecordRecord } from "../src/sender/log-records.js";
import type { ToSender } from "../src/sender/protocol.js";
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
    ask: async () => undefined,
    drainForExit: () => ({ kind: "drained", elapsedMs: 0 }),
  };
  return { thread: thread as unknown as SenderThread, posted };
}

/** The exporter over a fake thread, and the words the thread would share: what it took and what it holds. */
function exporterOverFakeThread(options: { maxQueueSize?: number; maxLogQueueSize?: number }) {
  const { thread, posted } = fakeThread();
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

describe("hand-over to the sender thread: only what its queue has room for crosses", () => {
  it("spans: the bound less what the thread holds and what it has not taken; the rest counted here", () => {
    const { exporter, posted, threadNow } = exporterOverFakeThread({ maxQueueSize: 10 });
    exporter.export(spans(4), ignore);
    expect(lastOf(posted, "spans")).toEqual({ items: 4, queueFull: 0 });

    // 4 posted, none taken yet: room for 6.
    exporter.export(spans(8), ignore);
    expect(lastOf(posted, "spans")).toEqual({ items: 6, queueFull: 2 });

    // The thread took all 10 and holds them: nothing crosses but the count.
    threadNow({ spansTaken: 10, spansHeld: 10 });
    exporter.export(spans(3), ignore);
    expect(lastOf(posted, "spans")).toEqual({ items: 0, queueFull: 5 });

    // It sent 3 of them: room for 3 again.
    threadNow({ spansHeld: 7 });
    exporter.export(spans(5), ignore);
    expect(lastOf(posted, "spans")).toEqual({ items: 3, queueFull: 7 });
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
