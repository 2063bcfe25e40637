/**
 * End to end: a real app under `--import axonpush-otel/register`, ending by
 * itself (natural end, process.exit, crash, unhandled rejection), against
 * the local receiver. Each case checks three things: the spans that ended
 * before the event arrived, the exit code (and for crashes the printed
 * error) equals what Node alone gives for the same app, and the time from
 * the event to the exit stays within the shutdown budget, also when the
 * receiver never answers.
 */
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { EXIT_MARGIN_MS, SHUTDOWN_TIMEOUT_MS, runExitFixture, runWithAndWithout, type FixtureRun } from "./exit-harness.js";

const receiver = useSuiteReceiver({ apiKey: "exit-test-key", tenantId: "exit-test-tenant" });

function spanNames(): string[] {
  return receiver.spans().map((span) => span.name).sort();
}

function expectSameEnding(traced: FixtureRun, reference: FixtureRun): void {
  expect({ code: traced.code, signal: traced.signal }, traced.command).toEqual({ code: reference.code, signal: reference.signal });
}

function expectWithinBudget(run: FixtureRun): void {
  expect(run.eventToExitMs, run.command).toBeDefined();
  expect(run.eventToExitMs!, run.command).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS);
}

/** Every request from now on is held open and never answered. */
function receiverHangs(): void {
  receiver.failNext({ hang: true, times: 10_000 });
}

describe("natural end (beforeExit)", () => {
  it("delivers the spans and exits with the app's own exit code", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "natural", receiverUrl: receiver.url, env: { FIXTURE_EXIT_CODE: "5" } });
    expect(reference.code).toBe(5);
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["natural.step", "natural.work"]);
    expect(traced.stderr).toBe(reference.stderr);
    expectWithinBudget(traced);
  });

  it("ends within the budget when the backend never answers", async () => {
    receiverHangs();
    const { reference, traced } = await runWithAndWithout({ mode: "natural", receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    expect(receiver.requestCount).toBeGreaterThan(0);
    expect(receiver.spans()).toHaveLength(0);
    expectWithinBudget(traced);
  });
});

describe("natural end, idle exporter", () => {
  it("an exporter that delivered everything holds nothing open: the process ends at once", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "idle-after-delivery", receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["idle.step", "idle.work"]);
    expectWithinBudget(traced);
  });
});

describe("natural end, more work", () => {
  it("spans ended by the app's own beforeExit work are delivered too", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "before-exit-work", receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["before-exit-work.step", "before-exit-work.work", "late.work"]);
    expectWithinBudget(traced);
  });

  it("ends normally when the batch processor dropped spans (queue full) that it will never export", async () => {
    const env = { OTEL_BSP_MAX_QUEUE_SIZE: "2", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2" };
    const { reference, traced } = await runWithAndWithout({ mode: "overflow", receiverUrl: receiver.url, env });
    expectSameEnding(traced, reference);
    // The two the batch processor kept arrive; the process does not wait for the dropped ones.
    expect(spanNames()).toEqual(expect.arrayContaining(["overflow.1", "overflow.2"]));
    expectWithinBudget(traced);
  });
});

describe("process.exit(code)", () => {
  it("delivers spans still in the batch processor's buffer right after start-up", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "exit-code", receiverUrl: receiver.url });
    expect(reference.code).toBe(3);
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["exit-code.step", "exit-code.work"]);
    const work = receiver.spans().find((span) => span.name === "exit-code.work");
    expect(work?.resource["service.name"]).toBe("exit-fixture");
    expectWithinBudget(traced);
  });

  it("finishes requests still in flight at exit within the budget: each span is stored once, nothing sent twice", async () => {
    // The first answers are slow, so the exporter's requests are still in flight at exit
    // (the app gives its exporter 500 ms, the answers take 900 ms, the budget is 1.5 s): the
    // sender thread keeps going while the app's thread waits at exit.
    receiver.failNext({ delayMs: 900, times: 2 });
    const env = { FIXTURE_IN_FLIGHT_MS: "500" };
    const { reference, traced } = await runWithAndWithout({ mode: "exit-in-flight", receiverUrl: receiver.url, env });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["exit-in-flight.step", "exit-in-flight.work"]);
    expect(receiver.events).toHaveLength(2);
    expect(receiver.requestCount).toBe(2);
    expect(traced.stderr).toBe(reference.stderr);
    expectWithinBudget(traced);
  });

  it("delivers a thousand spans ended just before process.exit, each once", async () => {
    // About a second on a quiet machine; the deadline leaves room for a busy one (this is about
    // every span arriving once; the budget itself is held by the tests around it).
    const env = { FIXTURE_SPANS: "1000", AXONPUSH_SHUTDOWN_TIMEOUT_MS: "15000" };
    const { reference, traced } = await runWithAndWithout({ mode: "exit-many", receiverUrl: receiver.url, env });
    expectSameEnding(traced, reference);
    const names = new Set(receiver.spans().map((span) => span.name));
    expect(names.size).toBe(1000);
    expect(receiver.events).toHaveLength(1000);
    expect(traced.eventToExitMs!, traced.command).toBeLessThanOrEqual(15_000 + EXIT_MARGIN_MS);
  });

  it("works the same in sync mode (AXONPUSH_MODE=sync)", async () => {
    const env = { AXONPUSH_MODE: "sync" };
    const { reference, traced } = await runWithAndWithout({ mode: "exit-code", receiverUrl: receiver.url, env });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["exit-code.step", "exit-code.work"]);
    expect(receiver.events.map((event) => event.body.sync)).toEqual([true, true]);
    expectWithinBudget(traced);
  });

  it("works the same with the CommonJS preload (--require)", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "exit-code", receiverUrl: receiver.url, preloadFlag: "--require" });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["exit-code.step", "exit-code.work"]);
    expectWithinBudget(traced);
  });

  it("ends within the budget with its exit code when the backend never answers", async () => {
    receiverHangs();
    const { reference, traced } = await runWithAndWithout({ mode: "exit-code", receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    expect(receiver.requestCount).toBeGreaterThan(0);
    expectWithinBudget(traced);
  });
});

describe("uncaught exception and unhandled rejection", () => {
  it("delivers the spans and one FATAL record of the error; exit code and printed error are Node's own", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "crash", receiverUrl: receiver.url });
    expect(reference.code).toBe(1);
    expectSameEnding(traced, reference);
    expect(reference.stderr).toContain("Error: fixture crash");
    expect(traced.stderr).toBe(reference.stderr);
    expect(spanNames()).toEqual(["crash.step", "crash.work"]);
    expect(receiver.logs()).toEqual([
      expect.objectContaining({
        severityNumber: 21,
        severityText: "FATAL",
        body: "Uncaught exception: Error: fixture crash",
        identifier: "uncaughtException",
        framework: "node",
        attributes: {
          "exception.type": "Error",
          "exception.message": "fixture crash",
          "exception.stacktrace": expect.stringMatching(/^Error: fixture crash\n {4}at /),
          "crash.origin": "uncaughtException",
        },
        resource: expect.objectContaining({ "service.name": "exit-fixture" }),
      }),
    ]);
    // Thrown from a timer outside any span: a trace of its own.
    expect(receiver.logs()[0]!.parentSpanId).toBeUndefined();
    expectWithinBudget(traced);
  });

  it("an unhandled rejection ends the same way, spans and one FATAL record delivered", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "rejection", receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    expect(traced.stderr).toBe(reference.stderr);
    expect(spanNames()).toEqual(["rejection.step", "rejection.work"]);
    expect(receiver.logs()).toEqual([
      expect.objectContaining({
        severityText: "FATAL",
        body: "Unhandled rejection: Error: fixture rejection",
        identifier: "unhandledRejection",
        attributes: expect.objectContaining({ "exception.message": "fixture rejection", "crash.origin": "unhandledRejection" }),
      }),
    ]);
    expectWithinBudget(traced);
  });

  it.each([
    ["crash-in-span", "Uncaught exception: TypeError: cannot read the order"],
    ["rejection-in-span", "Unhandled rejection: RangeError: quota exceeded"],
  ])("%s: the FATAL record sits in the trace of the span that was active", async (mode, body) => {
    const { reference, traced } = await runWithAndWithout({ mode, receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    expect(traced.stderr).toBe(reference.stderr);
    const [, traceId, spanId] = /TRACE (\w+) (\w+)/.exec(traced.stdout)!;
    expect(receiver.logs()).toEqual([expect.objectContaining({ body, traceId, parentSpanId: spanId })]);
    expectWithinBudget(traced);
  });

  it("an app that handles uncaught exceptions itself keeps its behaviour, and no crash record is sent", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "crash-handled", receiverUrl: receiver.url });
    expect(reference.code).toBe(6);
    expectSameEnding(traced, reference);
    expect(traced.stdout.replace(/EVENT \d+/, "EVENT")).toBe(reference.stdout.replace(/EVENT \d+/, "EVENT"));
    expect(traced.stderr).toBe(reference.stderr);
    expect(spanNames()).toEqual(["crash-handled.step", "crash-handled.work"]);
    expect(receiver.logs()).toEqual([]);
  });

  it("a crash ends within the budget when the backend never answers", async () => {
    receiverHangs();
    const { reference, traced } = await runWithAndWithout({ mode: "crash", receiverUrl: receiver.url });
    expectSameEnding(traced, reference);
    // A line saying which spans, and one which log records (the crash's own) could not be sent (Node
    // runs the exit listeners before it prints the crash), then Node's own crash report, unchanged.
    expect(traced.stderr.endsWith(reference.stderr), traced.stderr).toBe(true);
    expect(traced.stderr.slice(0, traced.stderr.length - reference.stderr.length)).toMatch(
      new RegExp(
        "^\\(node:\\d+\\) AxonPushWarning: 2 spans not delivered before exit: 2 unsent or unanswered when the exit budget ran out \\(AXONPUSH_SHUTDOWN_TIMEOUT_MS\\)\\n" +
          "\\(node:\\d+\\) AxonPushWarning: 1 log record not delivered before exit: 1 unsent or unanswered when the exit budget ran out \\(AXONPUSH_SHUTDOWN_TIMEOUT_MS\\)\\n$",
      ),
    );
    expect(receiver.requestCount).toBeGreaterThan(0);
    expectWithinBudget(traced);
  });
});

// The endings themselves are compared with Node's own above; here only what nest changes: delivery.
describe("against nest, the first backend, which refuses dedupKey", () => {
  const nest = useSuiteReceiver({ api: "nest", apiKey: "exit-test-key", tenantId: "exit-test-tenant" });
  const names = () => nest.spans().map((span) => span.name).sort();

  it("process.exit(code): the exit-time worker leaves dedupKey out and delivers the buffered spans, quietly", async () => {
    const traced = await runExitFixture({ mode: "exit-code", receiverUrl: nest.url, preload: true });
    expect(traced.code, traced.command).toBe(3);
    expect(names()).toEqual(["exit-code.step", "exit-code.work"]);
    expect(nest.events.every((event) => !("dedupKey" in event.body))).toBe(true);
    expect(traced.stderr).toBe("");
    expectWithinBudget(traced);
  });

  it("finishes requests in flight at exit, refused ones sent again without dedupKey: each span stored once", async () => {
    // 1.2 s for the exporter to send (time enough on a busy machine); the answers (refusals of
    // dedupKey) take 700 ms and arrive during the exit drain, which sends them again without it.
    nest.failNext({ delayMs: 700, times: 2 });
    const traced = await runExitFixture({ mode: "exit-in-flight", receiverUrl: nest.url, preload: true, env: { FIXTURE_IN_FLIGHT_MS: "1200" } });
    expect(traced.code, traced.command).toBe(4);
    expect(names()).toEqual(["exit-in-flight.step", "exit-in-flight.work"]);
    expect(nest.events).toHaveLength(2);
    expectWithinBudget(traced);
  });

  it("delivers a thousand spans ended just before process.exit, each once", async () => {
    // About a second on a quiet machine; the deadline leaves room for a busy one (this is about
    // every span arriving once; the budget itself is held by the tests around it).
    const env = { FIXTURE_SPANS: "1000", AXONPUSH_SHUTDOWN_TIMEOUT_MS: "15000" };
    const traced = await runExitFixture({ mode: "exit-many", receiverUrl: nest.url, preload: true, env });
    expect(traced.code, traced.command).toBe(0);
    expect(new Set(nest.spans().map((span) => span.name)).size).toBe(1000);
    expect(nest.events).toHaveLength(1000);
    // Only the requests already on their way when the first refusal came back were refused (at most the
    // events transport's 32 in flight); every later one left dedupKey out before sending.
    expect(nest.rejections.length).toBeLessThanOrEqual(32);
    expect(traced.eventToExitMs!, traced.command).toBeLessThanOrEqual(15_000 + EXIT_MARGIN_MS);
  });
});
