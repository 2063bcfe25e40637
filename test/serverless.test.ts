/**
 * flushAfterInvocation with a real, globally registered tracer provider: the
 * spans of an invocation are exported before the wrapped handler's promise
 * settles, and the wrapper is transparent (this, arguments, return value,
 * the very same error).
 */
import { afterEach, describe, expect, it } from "vitest";
import { metrics, trace } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { AxonPushClient, AxonPushSpanExporter, flushAfterInvocation, startLocalReceiver } from "../src/index.js";
import {
  adviseServerlessWrapping,
  detectServerlessRuntime,
  isHandlerWrapped,
} from "../src/exit/serverless-advice.js";

// A batch processor that would otherwise wait a minute before exporting.
const SLOW_BATCH = { scheduledDelayMillis: 60_000 };

function registerProvider(exporter: SpanExporter): BasicTracerProvider {
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, SLOW_BATCH)] });
  trace.setGlobalTracerProvider(provider);
  return provider;
}

let provider: BasicTracerProvider | undefined;
afterEach(async () => {
  trace.disable();
  await provider?.shutdown();
  provider = undefined;
});

describe("flushAfterInvocation", () => {
  it("exports the invocation's spans before returning, and passes this, arguments and the result through", async () => {
    const exporter = new InMemorySpanExporter();
    provider = registerProvider(exporter);
    const target = {
      prefix: "hello",
      async handle(this: { prefix: string }, event: { who: string }, context: { id: number }) {
        trace.getTracer("lambda").startSpan("invocation").end();
        return { greeting: `${this.prefix} ${event.who}`, id: context.id };
      },
    };
    const wrapped = flushAfterInvocation(target.handle, { timeoutMs: 2_000 });
    const result = await wrapped.call(target, { who: "world" }, { id: 7 });
    expect(result).toEqual({ greeting: "hello world", id: 7 });
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["invocation"]);
  });

  it("flushes on error too and re-throws the very same error", async () => {
    const exporter = new InMemorySpanExporter();
    provider = registerProvider(exporter);
    const failure = Object.assign(new Error("handler failed"), { statusCode: 502 });
    const wrapped = flushAfterInvocation(async () => {
      trace.getTracer("lambda").startSpan("failing-invocation").end();
      throw failure;
    });
    await expect(wrapped()).rejects.toBe(failure);
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["failing-invocation"]);
  });

  it("exports the invocation's metrics too when a MeterProvider is registered (its reader's interval is a minute)", async () => {
    provider = registerProvider(new InMemorySpanExporter());
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
    const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })] });
    metrics.setGlobalMeterProvider(meterProvider);
    try {
      const wrapped = flushAfterInvocation(async () => {
        metrics.getMeter("lambda").createCounter("orders.placed").add(2);
        return "ok";
      });
      await expect(wrapped()).resolves.toBe("ok");
      const names = metricExporter.getMetrics().flatMap((batch) => batch.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.descriptor.name)));
      expect(names).toEqual(["orders.placed"]);
    } finally {
      metrics.disable();
      await meterProvider.shutdown();
    }
  });

  it("accepts a handler that returns a plain value", async () => {
    provider = registerProvider(new InMemorySpanExporter());
    const wrapped = flushAfterInvocation((a: number, b: number) => a + b);
    await expect(wrapped(2, 3)).resolves.toBe(5);
  });

  it("returns the result after timeoutMs when the exporter never finishes", async () => {
    const stuck: SpanExporter = { export: () => {}, shutdown: async () => {} };
    provider = registerProvider(stuck);
    const wrapped = flushAfterInvocation(
      async () => {
        trace.getTracer("lambda").startSpan("stuck").end();
        return "done";
      },
      { timeoutMs: 50 },
    );
    await expect(wrapped()).resolves.toBe("done");
  });

  it("passes through when no SDK provider is registered", async () => {
    const wrapped = flushAfterInvocation(async (value: string) => value.toUpperCase());
    await expect(wrapped("x")).resolves.toBe("X");
  });

  it("works with an AxonPush exporter set up by hand: spans are at the receiver when the handler returns", async () => {
    const receiver = await startLocalReceiver({ apiKey: "k", tenantId: "t" });
    try {
      const client = new AxonPushClient({ apiKey: "k", tenantId: "t", baseUrl: receiver.url });
      const exporter = new AxonPushSpanExporter({ client, channelId: "ch_lambda", serviceName: "by-hand" });
      provider = registerProvider(exporter);
      const wrapped = flushAfterInvocation(async () => {
        const tracer = trace.getTracer("lambda");
        tracer.startActiveSpan("handler", (span) => {
          tracer.startSpan("db.query").end();
          span.end();
        });
        return { statusCode: 200 };
      });
      await expect(wrapped()).resolves.toEqual({ statusCode: 200 });
      // No waiting: delivery finished before the wrapper returned.
      expect(receiver.spans().map((span) => span.name).sort()).toEqual(["db.query", "handler"]);
    } finally {
      await receiver.close();
    }
  });

  it("rejects a non-function at wrap time", () => {
    expect(() => flushAfterInvocation(42 as never)).toThrow(TypeError);
  });
});

describe("serverless runtime advice", () => {
  const WRAPPED = Symbol.for("axonpush-otel.flush-after-invocation");
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[WRAPPED];
  });

  it("detects AWS Lambda, Google Cloud Functions and Azure Functions from their variables", () => {
    expect(detectServerlessRuntime({ AWS_LAMBDA_FUNCTION_NAME: "fn" })).toBe("AWS Lambda");
    expect(detectServerlessRuntime({ FUNCTION_TARGET: "helloHttp" })).toBe("Google Cloud Functions");
    expect(detectServerlessRuntime({ AZURE_FUNCTIONS_ENVIRONMENT: "Production" })).toBe("Azure Functions");
    expect(detectServerlessRuntime({ HOME: "/root" })).toBeUndefined();
  });

  it("says once how to wrap the handler when it was not wrapped", async () => {
    delete (globalThis as Record<symbol, unknown>)[WRAPPED];
    const lines: string[] = [];
    expect(adviseServerlessWrapping({ AWS_LAMBDA_FUNCTION_NAME: "fn" }, { delayMs: 0, log: (line) => lines.push(line) })).toBe("AWS Lambda");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("AWS Lambda detected");
    expect(lines[0]).toContain("flushAfterInvocation(");
  });

  it("stays quiet when the handler was wrapped, and outside serverless runtimes", async () => {
    const lines: string[] = [];
    adviseServerlessWrapping({ HOME: "/root" }, { delayMs: 0, log: (line) => lines.push(line) });
    flushAfterInvocation(async () => undefined);
    expect(isHandlerWrapped()).toBe(true);
    adviseServerlessWrapping({ FUNCTION_TARGET: "fn" }, { delayMs: 0, log: (line) => lines.push(line) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toEqual([]);
  });
});
