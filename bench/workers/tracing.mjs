// Shared by the exporter and outage workers: a tracer provider whose batch
// processor feeds one of three exporters, wrapped so every span is counted
// (created → handed to the exporter → reported ok / failed).
import { NodeTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { SpanKind } from "@opentelemetry/api";

export async function makeExporter(kind, url) {
  if (kind === "ours" || kind === "oursOtlp") {
    const { AxonPushClient, AxonPushSpanExporter } = await import("../../dist/index.js");
    const client = new AxonPushClient({ apiKey: "bench-api-key", tenantId: "bench-tenant", baseUrl: url });
    const transport = kind === "oursOtlp" ? "otlp" : "events";
    return new AxonPushSpanExporter({ client, channelId: "bench-channel", serviceName: "bench-app", transport });
  }
  if (kind === "otlp") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
    return new OTLPTraceExporter({ url: `${url}/v1/traces` });
  }
  // "noop": everything but the export itself, the baseline.
  return { export: (spans, cb) => cb({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
}

export class CountingExporter {
  constructor(inner) {
    this.inner = inner;
    this.handed = 0;
    this.ok = 0;
    this.failed = 0;
  }
  export(spans, resultCallback) {
    this.handed += spans.length;
    this.inner.export(spans, (result) => {
      if (result.code === 0) this.ok += spans.length;
      else this.failed += spans.length;
      resultCallback(result);
    });
  }
  forceFlush() {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown() {
    return this.inner.shutdown();
  }
}

export function makeProvider(exporter) {
  const counting = new CountingExporter(exporter);
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(counting)] });
  const tracer = provider.getTracer("axonpush-bench", "1.0.0");
  const stats = { created: 0 };
  const makeSpan = () => {
    const span = tracer.startSpan("GET /users/:id", {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": "GET",
        "http.route": "/users/:id",
        "url.path": "/users/42",
        "http.response.status_code": 200,
        "server.address": "127.0.0.1",
      },
    });
    span.end();
    stats.created++;
  };
  return { provider, counting, makeSpan, stats };
}

/** A processor that keeps finished spans, to build export() batches by hand. */
export function collectSpans(count) {
  const spans = [];
  const provider = new NodeTracerProvider({
    spanProcessors: [
      {
        onStart() {},
        onEnd(span) {
          spans.push(span);
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const tracer = provider.getTracer("axonpush-bench", "1.0.0");
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan("GET /users/:id", {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": "GET", "http.route": "/users/:id", "http.response.status_code": 200 },
    });
    span.end();
  }
  return spans;
}
