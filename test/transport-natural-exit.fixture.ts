// Child process for transport-natural-exit.test.ts: sends spans through the real
// exporter, then simply stops doing anything. It must exit on its own.
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { AxonPushClient } from "../src/client.js";
import { AxonPushSpanExporter } from "../src/exporter/index.js";

const [baseUrl, scenario] = process.argv.slice(2);
const client = new AxonPushClient({ apiKey: "ak_exit", tenantId: "org_exit", baseUrl: baseUrl! });
const exporter = new AxonPushSpanExporter({ client, channelId: "ch_exit", serviceName: "exit-fixture" });

if (scenario === "flush") {
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer("exit-fixture");
  for (let i = 0; i < 3; i++) tracer.startSpan(`span-${i}`).end();
  await provider.forceFlush();
  console.log("flushed");
} else {
  // Straight to the exporter (the BatchSpanProcessor holds the process with its own export
  // timeout timer while a callback is pending): its retries then wait on a long Retry-After.
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer("exit-fixture");
  for (let i = 0; i < 3; i++) tracer.startSpan(`span-${i}`).end();
  exporter.export(memory.getFinishedSpans(), (result) => console.log("callback", result.code));
  console.log("left pending");
}
