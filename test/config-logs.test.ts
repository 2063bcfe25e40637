// Unit tests for the log variables (src/config/log-variables.ts): one parser
// per variable, a bad value reported once and the default kept,
// OTEL_LOGS_EXPORTER=none over everything, code options over the environment.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import type { Env, StartOptions } from "../src/config/types.js";

function resolveWith(env: Env, options?: StartOptions) {
  const lines: string[] = [];
  const config = resolveConfig({ env, options, report: (line) => lines.push(line), entryScript: undefined, cwd: "/" });
  return { logs: config.logs, lines };
}

describe("log records", () => {
  it("go to AxonPush by default, console not captured, 2048 records of budget, nothing beside", () => {
    expect(resolveWith({})).toEqual({
      logs: { toAxonPush: true, captureConsole: false, queueSize: 2048, extraExporters: [], batchProcessor: {}, otlpProtocol: "http/protobuf" },
      lines: [],
    });
    expect(Object.isFrozen(resolveWith({}).logs)).toBe(true);
  });

  it("reads AXONPUSH_LOGS, AXONPUSH_CAPTURE_CONSOLE and AXONPUSH_LOG_QUEUE_SIZE", () => {
    const { logs, lines } = resolveWith({ AXONPUSH_LOGS: "false", AXONPUSH_CAPTURE_CONSOLE: "yes", AXONPUSH_LOG_QUEUE_SIZE: "500" });
    expect(logs).toMatchObject({ toAxonPush: false, captureConsole: true, queueSize: 500 });
    expect(lines).toEqual([]);
  });

  it("OTEL_LOGS_EXPORTER=none turns them off whatever AXONPUSH_LOGS says; otlp and console run beside AxonPush", () => {
    expect(resolveWith({ OTEL_LOGS_EXPORTER: "none", AXONPUSH_LOGS: "true" }).logs).toMatchObject({ toAxonPush: false, extraExporters: [] });
    expect(resolveWith({ OTEL_LOGS_EXPORTER: "otlp,console" }).logs).toMatchObject({ toAxonPush: true, extraExporters: ["otlp", "console"] });
    expect(resolveWith({ OTEL_LOGS_EXPORTER: "none" }, { logs: true }).logs.toAxonPush).toBe(false);
  });

  it("lets code options override the environment", () => {
    const { logs } = resolveWith({ AXONPUSH_LOGS: "false", AXONPUSH_LOG_QUEUE_SIZE: "9" }, { logs: true, captureConsole: true, logQueueSize: 64 });
    expect(logs).toMatchObject({ toAxonPush: true, captureConsole: true, queueSize: 64 });
  });

  it("reads OTEL_BLRP_* and the OTLP logs protocol for an extra OTLP exporter", () => {
    const { logs } = resolveWith({
      OTEL_LOGS_EXPORTER: "otlp",
      OTEL_BLRP_MAX_QUEUE_SIZE: "100",
      OTEL_BLRP_SCHEDULE_DELAY: "50",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "http/json",
    });
    expect(logs).toMatchObject({ batchProcessor: { maxQueueSize: 100, scheduledDelayMillis: 50 }, otlpProtocol: "http/json" });
  });

  it("reports each bad value once, naming the variable, and keeps the default", () => {
    const { logs, lines } = resolveWith({
      AXONPUSH_LOGS: "maybe",
      AXONPUSH_CAPTURE_CONSOLE: "2",
      AXONPUSH_LOG_QUEUE_SIZE: "0",
      OTEL_LOGS_EXPORTER: "otlp,zipkin",
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "thrift",
    });
    expect(logs).toMatchObject({ toAxonPush: true, captureConsole: false, queueSize: 2048, extraExporters: ["otlp"], otlpProtocol: "http/protobuf" });
    expect(lines).toEqual([
      'OTEL_LOGS_EXPORTER must list otlp, console or none, got "zipkin"; ignoring it.',
      'AXONPUSH_LOGS must be true or false, got "maybe"; using true.',
      'AXONPUSH_CAPTURE_CONSOLE must be true or false, got "2"; using false.',
      'AXONPUSH_LOG_QUEUE_SIZE must be a whole number of at least 1, got "0"; using 2048.',
      'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL must be http/protobuf, http/json or grpc, got "thrift"; using http/protobuf for logs.',
    ]);
  });
});
