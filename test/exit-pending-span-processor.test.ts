/**
 * PendingSpanProcessor with a real tracer provider and BatchSpanProcessor:
 * a span is pending from the moment it ends until the batch processor hands
 * it to the exporter, whatever order the two processors are in.
 */
import { describe, expect, it } from "vitest";
import { TraceFlags, type Context } from "@opentelemetry/api";
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { emptyResource, resourceFromAttributes } from "@opentelemetry/resources";
import { PendingSpanProcessor } from "../src/exit/index.js";

const LONG_DELAY = { scheduledDelayMillis: 60_000, maxExportBatchSize: 512 };

function setup(options: { order?: "pending-first" | "batch-first"; batch?: ConstructorParameters<typeof BatchSpanProcessor>[1]; maxSpans?: number } = {}) {
  const exporter = new InMemorySpanExporter();
  const pending = new PendingSpanProcessor({ maxSpans: options.maxSpans });
  const batch = new BatchSpanProcessor(pending.observe(exporter), options.batch ?? LONG_DELAY);
  const spanProcessors: SpanProcessor[] = options.order === "batch-first" ? [batch, pending] : [pending, batch];
  const provider = new BasicTracerProvider({ spanProcessors, resource: emptyResource() });
  const tracer = provider.getTracer("pending-test");
  const endSpan = (name: string) => tracer.startSpan(name).end();
  return { exporter, pending, provider, tracer, endSpan };
}

describe("PendingSpanProcessor", () => {
  it("holds ended spans while they sit in the batch buffer, and lets go once exported", async () => {
    const { exporter, pending, provider, endSpan } = setup();
    endSpan("a");
    endSpan("b");
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(pending.pendingSpans().map((span) => span.name)).toEqual(["a", "b"]);

    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["a", "b"]);
    expect(pending.size).toBe(0);
    await provider.shutdown();
  });

  it("keeps spans pending while the batch processor waits for the resource's async attributes", async () => {
    const exporter = new InMemorySpanExporter();
    const pending = new PendingSpanProcessor();
    let settle!: (value: Record<string, string>) => void;
    const hostName = new Promise<Record<string, string>>((resolve) => (settle = resolve));
    const resource = resourceFromAttributes({ "service.name": "svc", "host.name": hostName.then((a) => a["host.name"]) });
    const batch = new BatchSpanProcessor(pending.observe(exporter), LONG_DELAY);
    const provider = new BasicTracerProvider({ spanProcessors: [pending, batch], resource });
    provider.getTracer("t").startSpan("early").end();

    const flushed = provider.forceFlush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The batch processor has taken the span out of its buffer but not exported it yet.
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(pending.pendingSpans().map((span) => span.name)).toEqual(["early"]);

    settle({ "host.name": "box" });
    await flushed;
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(pending.size).toBe(0);
    await provider.shutdown();
  });

  it("does not keep a span the batch processor exported inside its own onEnd (batch processor listed first)", async () => {
    // A full batch (size 1) is exported synchronously during the batch processor's onEnd,
    // before ours runs; the span must not be remembered afterwards.
    const { exporter, pending, provider, endSpan } = setup({
      order: "batch-first",
      batch: { scheduledDelayMillis: 60_000, maxExportBatchSize: 1, maxQueueSize: 10 },
    });
    endSpan("exported-at-once");
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(["exported-at-once"]);
    expect(pending.size).toBe(0);
    await provider.shutdown();
  });

  it("ignores spans that are not sampled, as the batch processor does", async () => {
    const exporter = new InMemorySpanExporter();
    const pending = new PendingSpanProcessor();
    const provider = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [pending, new BatchSpanProcessor(pending.observe(exporter), LONG_DELAY)],
    });
    const span = provider.getTracer("t").startSpan("unsampled");
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
    expect(pending.size).toBe(0);
    await provider.shutdown();
  });

  it("is bounded: past maxSpans the oldest are forgotten and counted", async () => {
    const { pending, provider, endSpan } = setup({ maxSpans: 3 });
    for (const name of ["s1", "s2", "s3", "s4", "s5"]) endSpan(name);
    expect(pending.pendingSpans().map((span) => span.name)).toEqual(["s3", "s4", "s5"]);
    expect(pending.evicted).toBe(2);
    await provider.shutdown();
  });

  it("lets go of exactly the spans handed off, in whatever order they arrive", () => {
    const pending = new PendingSpanProcessor();
    const { tracer } = setup();
    const spans = ["a", "b", "c", "d"].map((name) => {
      const span = tracer.startSpan(name);
      span.end();
      return span as unknown as ReadableSpan;
    });
    for (const span of spans) pending.onEnd(span);
    pending.markHandedOff([spans[2]!, spans[0]!]);
    expect(pending.pendingSpans().map((span) => span.name)).toEqual(["b", "d"]);
    pending.markHandedOff([spans[3]!]);
    expect(pending.pendingSpans().map((span) => span.name)).toEqual(["b"]);
    expect(pending.size).toBe(1);
    // Handed off again (a resend): nothing changes, and it is not re-remembered later.
    pending.markHandedOff([spans[3]!]);
    pending.onEnd(spans[3]!);
    expect(pending.size).toBe(1);
  });

  it("keeps a span that is never handed off while thousands of later ones come and go", () => {
    const pending = new PendingSpanProcessor({ maxSpans: 10_000 });
    const { tracer } = setup();
    const endOne = (name: string) => {
      const span = tracer.startSpan(name);
      span.end();
      pending.onEnd(span as unknown as ReadableSpan);
      return span as unknown as ReadableSpan;
    };
    endOne("dropped by the batch processor");
    for (let i = 0; i < 5_000; i++) pending.markHandedOff([endOne(`s${i}`)]);
    expect(pending.pendingSpans().map((span) => span.name)).toEqual(["dropped by the batch processor"]);
    expect(pending.size).toBe(1);
    expect(pending.evicted).toBe(0);
  });

  it("keeps pending spans through its own shutdown until the batch processor exports them", async () => {
    const exported: string[] = [];
    const pending = new PendingSpanProcessor();
    const recorder = {
      export: (spans: { name: string }[], done: (result: { code: number }) => void) => {
        exported.push(...spans.map((span) => span.name));
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const provider = new BasicTracerProvider({ spanProcessors: [pending, new BatchSpanProcessor(pending.observe(recorder), LONG_DELAY)] });
    provider.getTracer("t").startSpan("late").end();
    await pending.shutdown();
    expect(pending.size).toBe(1);
    await provider.shutdown();
    expect(exported).toEqual(["late"]);
    expect(pending.size).toBe(0);
  });

  it("passes forceFlush and shutdown through the observed exporter", async () => {
    const calls: string[] = [];
    const pending = new PendingSpanProcessor();
    const observed = pending.observe({
      export: (_spans, done) => done({ code: 0 }),
      forceFlush: async () => void calls.push("forceFlush"),
      shutdown: async () => void calls.push("shutdown"),
    });
    await observed.forceFlush!();
    await observed.shutdown();
    expect(calls).toEqual(["forceFlush", "shutdown"]);
    pending.onStart({} as never, {} as Context);
  });
});
