// Proof that the exporter's own requests are never traced, with the http, undici and net
// instrumentations really active (our HTTP client opens its connections with net and tls):
// the app's spans arrive, no span describes POST /event or a connection to the receiver.
// Both where the exporter sends from: its sender thread (no instrumentation there at all)
// and the app's thread (the fallback where no thread can run: suppressed around each try).
import { once } from "node:events";
import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { NetInstrumentation } from "@opentelemetry/instrumentation-net";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AxonPushClient } from "../../src/client.js";
import { AxonPushBatchSpanProcessor, AxonPushSpanExporter } from "../../src/exporter/index.js";
import { startLocalReceiver, type LocalReceiver } from "../../src/receiver/index.js";

/** The whole check, in a file of its own per case: instrumentations patch `node:http` once per process. */
export function suppressionSuite(onAppThread: boolean): void {
const memory = new InMemorySpanExporter();
let receiver: LocalReceiver;
let provider: NodeTracerProvider;
let exporter: AxonPushSpanExporter;
let appServer: Server;
let appUrl: string;
let disableInstrumentations: () => void;

beforeAll(async () => {
  receiver = await startLocalReceiver({ apiKey: "ak_sup", tenantId: "org_sup" });
  const client = new AxonPushClient({ apiKey: "ak_sup", tenantId: "org_sup", baseUrl: receiver.url });
  exporter = new AxonPushSpanExporter({ client, channelId: "ch_sup", serviceName: "suppression-check" }, { onAppThread });
  provider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(memory), new AxonPushBatchSpanProcessor(exporter, { scheduledDelayMillis: 10 })],
  });
  provider.register();
  disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // The local receiver runs in this very process, standing in for the remote API: its
        // server side is not the app's. Only incoming requests are filtered; every outgoing
        // request, ours included, goes through the instrumentation untouched.
        ignoreIncomingRequestHook: (request: IncomingMessage) => request.socket.localPort === receiver.port,
      }),
      new UndiciInstrumentation(),
      new NetInstrumentation(),
    ],
  });
  // The instrumentation patches the module on its next require; our transport calls
  // http.request through that same module object, so it meets the patched function.
  const require = createRequire(import.meta.url);
  const http = require("node:http") as typeof import("node:http");
  expect((http.request as { __wrapped?: boolean }).__wrapped).toBe(true);
  // The same for net (it patches Socket.prototype.connect on its next require), which our HTTP client connects with.
  const net = require("node:net") as typeof import("node:net");
  expect((net.Socket.prototype.connect as { __wrapped?: boolean }).__wrapped).toBe(true);

  appServer = http.createServer((_req, res) => res.end("hello"));
  appServer.listen(0, "127.0.0.1");
  await once(appServer, "listening");
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  disableInstrumentations?.();
  await provider?.shutdown();
  appServer?.close();
  await receiver?.close();
  trace.disable();
  context.disable();
});

function clientSpans(): ReadableSpan[] {
  return memory.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
}

function describesOurRequests(span: ReadableSpan): boolean {
  const text = JSON.stringify(span.attributes);
  return text.includes(`:${receiver.port}`) || text.includes(String(receiver.port)) || text.includes("/event");
}

describe("the exporter's requests are not traced", () => {
  it("through the provider: the app's spans arrive, none for POST /event", async () => {
    const require = createRequire(import.meta.url);
    const http = require("node:http") as typeof import("node:http");
    const tracer = trace.getTracer("app");
    await tracer.startActiveSpan("app.handle", async (span) => {
      await new Promise<void>((resolve, reject) => {
        http.get(`${appUrl}/via-http`, (res) => res.resume().on("end", resolve)).on("error", reject);
      });
      await (await fetch(`${appUrl}/via-fetch`)).text();
      span.end();
    });
    await provider.forceFlush();
    // Let several export rounds pass: a leak would show up as spans exported in turn.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await provider.forceFlush();

    // The instrumentations are live: the app's own outgoing calls were traced (http and undici).
    const clients = clientSpans();
    expect(clients).toHaveLength(2);
    expect(clients.map((s) => s.instrumentationScope.name).sort()).toEqual([
      "@opentelemetry/instrumentation-http",
      "@opentelemetry/instrumentation-undici",
    ]);
    expect(clients.some(describesOurRequests)).toBe(false);
    // The net instrumentation is live too (the app's http.get connected through it); none of its spans is ours.
    const connects = memory.getFinishedSpans().filter((span) => span.instrumentationScope.name === "@opentelemetry/instrumentation-net");
    expect(connects.length).toBeGreaterThanOrEqual(1);
    expect(connects.some(describesOurRequests)).toBe(false);

    // AxonPush received exactly the app's spans, and every one of them.
    const received = receiver.spans();
    const produced = memory.getFinishedSpans();
    expect(received.map((s) => s.spanId).sort()).toEqual(produced.map((s) => s.spanContext().spanId).sort());
    expect(received.some((s) => s.kind === "CLIENT" && s.name.startsWith("POST"))).toBe(false);
    expect(receiver.requestCount).toBe(received.length);
  });

  it("when export() is called from a traced context (no processor suppressing for us)", async () => {
    memory.reset();
    const before = receiver.events.length;
    const tracer = trace.getTracer("app");
    const toSend = [...receiver.spans().slice(0, 1)].length; // one span's worth, re-exported by hand
    expect(toSend).toBe(1);
    const manual = new InMemorySpanExporter();
    const source = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(manual)] });
    source.getTracer("load").startSpan("hand-made").end();
    // An exporter of its own: its first request opens a new connection, from inside the traced context.
    const client = new AxonPushClient({ apiKey: "ak_sup", tenantId: "org_sup", baseUrl: receiver.url });
    const fresh = new AxonPushSpanExporter({ client, channelId: "ch_sup", serviceName: "suppression-check" }, { onAppThread });
    await tracer.startActiveSpan("caller", async (span) => {
      await new Promise<void>((resolve) => fresh.export(manual.getFinishedSpans(), () => resolve()));
      span.end();
    });
    await fresh.forceFlush();
    await fresh.shutdown();
    // The hand-made span arrived (the provider's batch processor may have sent "caller" too by now).
    expect(receiver.spans().filter((s) => s.name === "hand-made")).toHaveLength(1);
    expect(receiver.events.length).toBeGreaterThanOrEqual(before + 1);
    const spans = memory.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["caller"]);
    expect(clientSpans()).toHaveLength(0);
    expect(fresh.sendingFrom).toBe(onAppThread ? "app-thread" : "thread");
    await source.shutdown();
  });
});
}
