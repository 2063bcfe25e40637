/**
 * End to end: SIGTERM and SIGINT sent to a real app under the preload, with
 * and without a signal handler of the app's own. Each case compares how the
 * process ended with the same app run without the preload, checks the spans
 * arrived, and that the time from the signal to the exit stays within the
 * shutdown budget, also when the receiver never answers.
 */
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { EXIT_MARGIN_MS, SHUTDOWN_TIMEOUT_MS, runWithAndWithout, type FixtureRun } from "./exit-harness.js";

const receiver = useSuiteReceiver({ apiKey: "exit-test-key", tenantId: "exit-test-tenant" });

function spanNames(): string[] {
  return receiver.spans().map((span) => span.name).sort();
}

function expectSameEnding(traced: FixtureRun, reference: FixtureRun): void {
  expect({ code: traced.code, signal: traced.signal }, traced.command).toEqual({ code: reference.code, signal: reference.signal });
}

/** `appDelayMs`: what the app's own shutdown takes before it exits. */
function expectWithinBudget(run: FixtureRun, appDelayMs = 0): void {
  expect(run.eventToExitMs, run.command).toBeDefined();
  expect(run.eventToExitMs!, run.command).toBeLessThanOrEqual(appDelayMs + SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS);
}

describe.each(["SIGTERM", "SIGINT"] as const)("%s, the app has no handler", (signal) => {
  it("delivers the spans, then the process dies of the signal as it would without us", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "signal", receiverUrl: receiver.url, signal });
    expect(reference.signal).toBe(signal);
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["signal.step", "signal.work"]);
    expectWithinBudget(traced);
  });
});

describe("SIGTERM, the app has no handler, the backend never answers", () => {
  it("still dies of the signal within the budget", async () => {
    receiver.failNext({ hang: true, times: 10_000 });
    const { reference, traced } = await runWithAndWithout({ mode: "signal", receiverUrl: receiver.url, signal: "SIGTERM" });
    expectSameEnding(traced, reference);
    expect(receiver.requestCount).toBeGreaterThan(0);
    expectWithinBudget(traced);
    // It dies of the signal (no exit event), yet what it could not send is said first, in one line.
    expect(traced.stderr.replace(reference.stderr, "")).toMatch(
      /^\(node:\d+\) AxonPushWarning: \d+ spans? not delivered before exit: \d+ unsent or unanswered when the exit budget ran out \(AXONPUSH_SHUTDOWN_TIMEOUT_MS\)\n$/,
    );
  });
});

describe("SIGTERM, the app has no handler, the backend is down (connections dropped)", () => {
  it("dies of the signal within the budget", async () => {
    receiver.setDown(true);
    try {
      const { reference, traced } = await runWithAndWithout({ mode: "signal", receiverUrl: receiver.url, signal: "SIGTERM" });
      expectSameEnding(traced, reference);
      expectWithinBudget(traced);
    } finally {
      receiver.setDown(false);
    }
  });
});

describe("SIGINT twice while the backend never answers (an impatient Ctrl+C)", () => {
  it("the second signal ends the process at once, by the signal", async () => {
    receiver.failNext({ hang: true, times: 10_000 });
    const { reference, traced } = await runWithAndWithout({ mode: "signal", receiverUrl: receiver.url, signal: "SIGINT", repeatSignalAfterMs: 200 });
    expectSameEnding(traced, reference);
    // Well before the budget would have run out.
    expect(traced.eventToExitMs!, traced.command).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  });
});

describe.each(["SIGTERM", "SIGINT"] as const)("%s, the app shuts down gracefully and calls process.exit(42)", (signal) => {
  it("runs the app's handler, keeps its exit code, and the spans (its shutdown span too) arrive", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "signal-handled", receiverUrl: receiver.url, signal });
    expect(reference.code).toBe(42);
    expectSameEnding(traced, reference);
    expect(traced.stdout).toContain("EVENT");
    expect(spanNames()).toEqual([`shutdown.${signal}`, "signal-handled.step", "signal-handled.work"]);
    expectWithinBudget(traced, 100);
  });
});

describe("SIGINT handled by the app, the backend never answers", () => {
  it("keeps the app's exit code and ends within the budget", async () => {
    receiver.failNext({ hang: true, times: 10_000 });
    const { reference, traced } = await runWithAndWithout({ mode: "signal-handled", receiverUrl: receiver.url, signal: "SIGINT" });
    expectSameEnding(traced, reference);
    expect(receiver.requestCount).toBeGreaterThan(0);
    expectWithinBudget(traced, 100);
  });
});

describe("SIGTERM handled by the app, which then lets the loop empty", () => {
  it("ends with the app's exitCode and the spans arrive", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "signal-handled-natural", receiverUrl: receiver.url, signal: "SIGTERM" });
    expect(reference.code).toBe(7);
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["shutdown.SIGTERM", "signal-handled-natural.step", "signal-handled-natural.work"]);
    expectWithinBudget(traced);
  });
});

describe("SIGTERM to a real HTTP server that served a request", () => {
  function expectRequestTrace(): void {
    const server = receiver.spans().find((span) => span.kind === "SERVER");
    const client = receiver.spans().find((span) => span.kind === "CLIENT");
    expect(server?.attributes["http.route"] ?? server?.attributes["url.path"] ?? server?.attributes["http.target"]).toContain("/hello");
    expect(client?.traceId).toBe(server?.traceId);
    expect(server?.parentSpanId).toBe(client?.spanId);
  }

  it("no handler: the request's spans arrive and the process dies of SIGTERM", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "http-server", receiverUrl: receiver.url, signal: "SIGTERM" });
    expectSameEnding(traced, reference);
    expectRequestTrace();
    expectWithinBudget(traced);
  });

  it("graceful close, then process.exit(0): the request's spans arrive, exit code 0", async () => {
    const env = { FIXTURE_GRACEFUL: "1" };
    const { reference, traced } = await runWithAndWithout({ mode: "http-server", receiverUrl: receiver.url, signal: "SIGTERM", env });
    expect(reference.code).toBe(0);
    expectSameEnding(traced, reference);
    expectRequestTrace();
    expectWithinBudget(traced);
  });
});
