// The exporter's integration harness, shared by the events and OTLP suites: a
// fresh strict receiver per test, a real NodeTracerProvider + BatchSpanProcessor
// around the exporter, and spies on the tries it makes and the output it writes.
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { AxonPushBatchSpanProcessor } from "../../src/exporter/index.js";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterEach, beforeEach, vi } from "vitest";
import { AxonPushClient, type AxonPushClientOptions } from "../../src/client.js";
import { AxonPushSpanExporter, type AxonPushSpanExporterOptions } from "../../src/exporter/index.js";
import { startLocalReceiver, type LocalReceiverOptions, type LocalReceiver } from "../../src/receiver/index.js";
import { atUnusedUrl } from "./unused-url.js";

export interface HarnessOptions {
  apiKey: string;
  tenantId: string;
  /** How each test's receiver is started beyond the key and tenant (the API version, its channels…). */
  receiver?: Omit<LocalReceiverOptions, "apiKey" | "tenantId">;
  /** Exporter options every setUp() starts from (channel, service, transport…). */
  exporter: Omit<AxonPushSpanExporterOptions, "client">;
  tracerName: string;
}

export interface Setup {
  client?: Partial<AxonPushClientOptions>;
  exporter?: Partial<AxonPushSpanExporterOptions>;
  bsp?: ConstructorParameters<typeof BatchSpanProcessor>[1];
  alongside?: InMemorySpanExporter;
  /** OpenTelemetry's own BatchSpanProcessor instead of ours (its forceFlush does not wait for delivery). */
  plainProcessor?: boolean;
  /** AXONPUSH_DEBUG: the sender's counters are said (diag info, and stderr). */
  debug?: boolean;
  /** Send on this thread, as where no sender thread can run (what the sender learns is then visible here). */
  onAppThread?: boolean;
}

export function useExporterHarness(options: HarnessOptions) {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  let started: LocalReceiver | undefined;

  beforeEach(async () => {
    started = await atUnusedUrl(() => startLocalReceiver({ ...options.receiver, apiKey: options.apiKey, tenantId: options.tenantId }));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await started?.close();
    vi.restoreAllMocks();
  });

  // Forwards to this test's receiver, so tests can say `receiver.events` although it starts per test.
  const receiver = new Proxy({} as LocalReceiver, {
    get(_target, property) {
      if (!started) throw new Error("the receiver is used outside a test");
      const value = Reflect.get(started, property, started);
      return typeof value === "function" ? value.bind(started) : value;
    },
  });

  function setUp(setup: Setup = {}) {
    const client = new AxonPushClient({ apiKey: options.apiKey, tenantId: options.tenantId, baseUrl: receiver.url, ...setup.client });
    const exporter = new AxonPushSpanExporter({ client, ...options.exporter, ...setup.exporter }, { debug: setup.debug, onAppThread: setup.onAppThread });
    const bsp = { scheduledDelayMillis: 20, ...setup.bsp };
    const spanProcessors = [setup.plainProcessor ? new BatchSpanProcessor(exporter, bsp) : new AxonPushBatchSpanProcessor(exporter, bsp)];
    if (setup.alongside) spanProcessors.push(new BatchSpanProcessor(setup.alongside, { scheduledDelayMillis: 20 }));
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": "from-resource", "host.name": "box-7" }),
      spanProcessors,
    });
    cleanups.push(() => provider.shutdown());
    return { client, exporter, provider, tracer: provider.getTracer(options.tracerName, "0.0.1") };
  }

  /** The Idempotency-Key, path and time of every try that reached this test's receiver, as a function read when asserting. */
  function recordTries() {
    return () => receiver.tries.map((t) => ({ key: t.idempotencyKey, path: t.path, at: t.at }));
  }

  /** Silences and records everything the exporter could print: warnings, stderr and diag. */
  function captureAllOutput() {
    const lines: string[] = [];
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation((warning) => {
      lines.push(String(warning));
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const record = (level: string) => (message: string, ...args: unknown[]) => {
      lines.push(`${level} ${message} ${args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" ")}`);
    };
    const logger: DiagLogger = {
      error: record("error"),
      warn: record("warn"),
      info: record("info"),
      debug: record("debug"),
      verbose: record("verbose"),
    };
    diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
    cleanups.push(() => diag.disable());
    return { lines, emitWarning, stderr };
  }

  /** Ended spans from a provider of their own, to hand to export() directly. */
  function endedSpans(count: number, prefix: string): ReadableSpan[] {
    const memory = new InMemorySpanExporter();
    const source = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = source.getTracer("load");
    for (let i = 0; i < count; i++) tracer.startSpan(`${prefix}-${i}`).end();
    cleanups.push(() => source.shutdown());
    return memory.getFinishedSpans();
  }

  return { receiver, setUp, recordTries, captureAllOutput, endedSpans, cleanups };
}
