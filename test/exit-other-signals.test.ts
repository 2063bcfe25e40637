/**
 * Metrics and log records asked for beside the spans (OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER) reach their
 * collector when the process ends by itself or by a signal nobody handles, as they do under the official register
 * (whose SIGTERM and beforeExit handlers shut its SDK down). The periodic metric reader's interval and the log batch
 * processor's delay are set to a minute here, so only the flush at the end can deliver them.
 */
import { describe, expect, it } from "vitest";
import { useOtlpCollector } from "./helpers/otlp-collector.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { EXIT_MARGIN_MS, SHUTDOWN_TIMEOUT_MS, runWithAndWithout, type FixtureRun } from "./exit-harness.js";

const receiver = useSuiteReceiver({ apiKey: "exit-test-key", tenantId: "exit-test-tenant" });

const collector = useOtlpCollector();

function otherSignalsEnv(): Record<string, string> {
  const base = collector.url;
  return {
    FIXTURE_OTHER_SIGNALS: "1",
    OTEL_METRICS_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${base}/v1/metrics`,
    OTEL_METRIC_EXPORT_INTERVAL: "60000",
    OTEL_LOGS_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${base}/v1/logs`,
    OTEL_BLRP_SCHEDULE_DELAY: "60000",
  };
}

function sentTo(path: string, text: string): boolean {
  return collector.bodies(path).some((body) => body.includes(text));
}

function expectSameEnding(traced: FixtureRun, reference: FixtureRun): void {
  expect({ code: traced.code, signal: traced.signal }, traced.command).toEqual({ code: reference.code, signal: reference.signal });
  expect(traced.eventToExitMs!, traced.command).toBeLessThanOrEqual(SHUTDOWN_TIMEOUT_MS + EXIT_MARGIN_MS);
}

describe("metrics and OTLP log records at the end of the process", () => {
  it("natural end: the last interval's metrics and the batched log records reach the collector, the exit code stands", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "natural", receiverUrl: receiver.url, env: { ...otherSignalsEnv(), FIXTURE_EXIT_CODE: "5" } });
    expectSameEnding(traced, reference);
    expect(sentTo("/v1/metrics", '"fixture.jobs.done"'), traced.command).toBe(true);
    expect(sentTo("/v1/logs", "fixture log line (natural)"), traced.command).toBe(true);
    expect(receiver.spans().map((span) => span.name).sort()).toEqual(["natural.step", "natural.work"]);
  });

  it("SIGTERM nobody handles: metrics and log records reach the collector, then the process dies of SIGTERM", async () => {
    const { reference, traced } = await runWithAndWithout({ mode: "signal", signal: "SIGTERM", receiverUrl: receiver.url, env: otherSignalsEnv() });
    expect(reference.signal).toBe("SIGTERM");
    expectSameEnding(traced, reference);
    expect(sentTo("/v1/metrics", '"fixture.jobs.done"'), traced.command).toBe(true);
    expect(sentTo("/v1/logs", "fixture log line (signal)"), traced.command).toBe(true);
    expect(receiver.spans().map((span) => span.name).sort()).toEqual(["signal.step", "signal.work"]);
  });
});
