/**
 * The exit paths under the batched transport (AXONPUSH_TRANSPORT=otlp): the
 * exit code does not care which transport runs, and the exit-time delivery
 * resends OTLP requests (protobuf, `X-Axonpush-Channel`) as readily as
 * events. Same three checks as the events suite: spans arrived (over
 * /v1/traces), the ending equals Node's own, within the budget.
 */
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { EXIT_MARGIN_MS, SHUTDOWN_TIMEOUT_MS, runExitFixture, runWithAndWithout, type FixtureRun, type RunOptions } from "./exit-harness.js";
import { OTLP_TRANSPORT } from "./helpers/transports.js";
import { SUITE_APIS } from "./helpers/api-versions.js";

const receiver = useSuiteReceiver({ apiKey: "exit-test-key", tenantId: "exit-test-tenant" });

const OTLP = OTLP_TRANSPORT.env;

function run(options: Omit<RunOptions, "preload" | "receiverUrl">) {
  return runWithAndWithout({ ...options, receiverUrl: receiver.url, env: { ...OTLP, ...options.env } });
}

function spanNames(): string[] {
  return receiver.spans().map((span) => span.name).sort();
}

function expectOverOtlp(): void {
  expect(receiver.spans().length).toBeGreaterThan(0);
  expect(receiver.spans().every((span) => span.via === "otlp")).toBe(true);
}

function expectSameEnding(traced: FixtureRun, reference: FixtureRun): void {
  expect({ code: traced.code, signal: traced.signal }, traced.command).toEqual({ code: reference.code, signal: reference.signal });
}

function expectWithinBudget(run: FixtureRun, appDelayMs = 0): void {
  expect(run.eventToExitMs, run.command).toBeDefined();
  expect(run.eventToExitMs!, run.command).toBeLessThanOrEqual(appDelayMs + SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS);
}

describe("exit paths with AXONPUSH_TRANSPORT=otlp", () => {
  it("process.exit(code) right after start-up: spans from the batch buffer arrive as OTLP", async () => {
    const { reference, traced } = await run({ mode: "exit-code" });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["exit-code.step", "exit-code.work"]);
    expectOverOtlp();
    expectWithinBudget(traced);
  });

  it("an uncaught exception: spans arrive, same code, same printed error", async () => {
    const { reference, traced } = await run({ mode: "crash" });
    expectSameEnding(traced, reference);
    expect(traced.stderr).toBe(reference.stderr);
    expect(spanNames()).toEqual(["crash.step", "crash.work"]);
    expectOverOtlp();
    expectWithinBudget(traced);
  });

  it("SIGTERM without a handler: spans arrive, then the process dies of SIGTERM", async () => {
    const { reference, traced } = await run({ mode: "signal", signal: "SIGTERM" });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["signal.step", "signal.work"]);
    expectOverOtlp();
    expectWithinBudget(traced);
  });

  it("SIGINT handled by the app, process.exit(42): spans arrive, code stands", async () => {
    const { reference, traced } = await run({ mode: "signal-handled", signal: "SIGINT" });
    expectSameEnding(traced, reference);
    expect(spanNames()).toEqual(["shutdown.SIGINT", "signal-handled.step", "signal-handled.work"]);
    expectOverOtlp();
    expectWithinBudget(traced, 100);
  });

  it("natural end with a backend that never answers: ends within the budget, same code", async () => {
    receiver.failNext({ hang: true, times: 10_000 });
    const { reference, traced } = await run({ mode: "natural" });
    expectSameEnding(traced, reference);
    expect(receiver.requestCount).toBeGreaterThan(0);
    expectWithinBudget(traced);
  });
});

describe.each(SUITE_APIS)("OTLP requests in flight at exit, against the %s API", (api) => {
  const versioned = useSuiteReceiver({ api, apiKey: "exit-test-key", tenantId: "exit-test-tenant" });

  it("finish within the budget, never sent twice: every span arrives once, on go too", async () => {
    // The app gives its exporter 1.2 s to send the batch (time enough on a busy machine); the
    // answer takes 700 ms more, so the request is still in flight when the app exits, and the
    // sender thread keeps waiting for it during the exit drain instead of sending it again
    // (which go, ignoring Idempotency-Key, would have stored twice: OTLP carries no dedupKey).
    versioned.failNext({ delayMs: 700, times: 1 });
    const env = { ...OTLP, FIXTURE_IN_FLIGHT_MS: "1200" };
    // Its ending is compared with Node's own in exit-paths.test.ts: here only delivery.
    const traced = await runExitFixture({ mode: "exit-in-flight", receiverUrl: versioned.url, env, preload: true });
    expect(traced.code, traced.command).toBe(4);
    const names = versioned.spans().map((span) => span.name);
    expect(names.sort()).toEqual(["exit-in-flight.step", "exit-in-flight.work"]);
    expect(versioned.requestCount).toBe(1);
    expect(versioned.spans().every((span) => span.via === "otlp")).toBe(true);
    expectWithinBudget(traced);
  });
});
