// The exporter with `transport: "otlp"` against a deployment that takes only
// JSON-encoded OTLP (the local receiver's `otlp: "json-only"`, which answers
// protobuf with 415): with no encoding chosen, the first refused batch is sent
// again as JSON and every later one is built as JSON (the exit path's
// included), nothing lost, nothing printed at the default level. An encoding
// the user chose (OTEL_EXPORTER_OTLP_PROTOCOL) is kept as it is.
import { describe, expect, it } from "vitest";
import { collectUndelivered } from "../src/exit/exit-delivery.js";
import { SUITE_APIS } from "./helpers/api-versions.js";
import { useExporterHarness } from "./helpers/exporter-harness.js";

const API_KEY = "ak_json_only_5e1f";
const TENANT = "org_json_only";

const contentTypes = (events: { headers: Record<string, string> }[]) => events.map((e) => e.headers["content-type"]);
const names = (spans: { name: string }[]) => spans.map((s) => s.name).sort();

describe.each(SUITE_APIS)("a JSON-only %s deployment", (api) => {
  const { receiver, setUp, captureAllOutput, endedSpans } = useExporterHarness({
    apiKey: API_KEY,
    tenantId: TENANT,
    tracerName: "json-only-test",
    receiver: { api, otlp: "json-only" },
    exporter: { channelId: "ch_otlp", transport: "otlp" },
  });

  it("gets every span: the refused batch again as JSON, the later ones as JSON at once; one debug line, no warning", async () => {
    const output = captureAllOutput();
    const { provider, tracer } = setUp();
    for (let i = 0; i < 5; i++) tracer.startSpan(`first-${i}`).end();
    await provider.forceFlush();
    for (let i = 0; i < 3; i++) tracer.startSpan(`second-${i}`).end();
    await provider.forceFlush();

    expect(names(receiver.spans())).toEqual([...Array.from({ length: 5 }, (_, i) => `first-${i}`), "second-0", "second-1", "second-2"]);
    expect(receiver.spans().every((s) => s.via === "otlp")).toBe(true);
    expect(contentTypes(receiver.events)).toEqual(["application/json", "application/json"]);
    // One protobuf try refused, then nothing but JSON.
    expect(receiver.rejections).toEqual([{ status: 415, message: expect.stringContaining("only JSON-encoded OTLP is accepted") }]);
    expect(receiver.requestCount).toBe(3);
    expect(output.emitWarning).not.toHaveBeenCalled();
    const ours = output.lines.filter((line) => line.includes("axonpush-otel"));
    expect(ours).toEqual([expect.stringMatching(/^debug axonpush-otel http:\/\/127\.0\.0\.1:\d+ refused OTLP protobuf \(HTTP 415\); sending OTLP\/JSON from now on, this batch included$/)]);
  });

  it("the exit path sends JSON once the process knows: requests queued as protobuf before, spans prepared after", async () => {
    const { exporter } = setUp({ exporter: { shutdownTimeoutMs: 100 } });
    // The first batch hangs in flight (as protobuf); the second is refused, which teaches the process.
    receiver.failNext({ hang: true });
    exporter.export(endedSpans(4, "in-flight"), () => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise<void>((resolve) => exporter.export(endedSpans(2, "teacher"), () => resolve()));
    expect(names(receiver.spans())).toEqual(["teacher-0", "teacher-1"]);

    const pending = exporter.pendingRequests();
    expect(pending.map((r) => [r.contentType, r.spanCount])).toEqual([["application/x-protobuf", 4]]);
    expect(exporter.prepare(endedSpans(3, "buffered")).map((r) => r.contentType)).toEqual(["application/json"]);

    const resolved = collectUndelivered({ exporter });
    expect(resolved.map((r) => r.headers["Content-Type"])).toEqual(["application/json"]);
    expect(resolved[0]!.headers["Idempotency-Key"]).toBe(`${pending[0]!.idempotencyKey}~json`);
    // Sent the way the exit-time sender sends it.
    const response = await fetch(resolved[0]!.url, { method: "POST", headers: resolved[0]!.headers, body: resolved[0]!.body });
    expect(response.status).toBe(200);
    expect(names(receiver.spans())).toEqual(["in-flight-0", "in-flight-1", "in-flight-2", "in-flight-3", "teacher-0", "teacher-1"]);
  });

  it("otlpEncoding json (OTEL_EXPORTER_OTLP_PROTOCOL=http/json): JSON from the first request, nothing refused", async () => {
    const { provider, tracer } = setUp({ exporter: { otlpEncoding: "json" } });
    tracer.startSpan("one").end();
    await provider.forceFlush();
    expect(names(receiver.spans())).toEqual(["one"]);
    expect(contentTypes(receiver.events)).toEqual(["application/json"]);
    expect(receiver.rejections).toEqual([]);
    expect(receiver.requestCount).toBe(1);
  });

  it("otlpEncoding protobuf (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf) is kept: refused, reported, never switched", async () => {
    const output = captureAllOutput();
    const { provider, tracer } = setUp({ exporter: { otlpEncoding: "protobuf" } });
    for (let round = 0; round < 2; round++) {
      tracer.startSpan(`kept-${round}`).end();
      await provider.forceFlush().catch(() => {});
    }
    expect(receiver.spans()).toEqual([]);
    expect(receiver.requestCount).toBe(2);
    expect(receiver.rejections.map((r) => r.status)).toEqual([415, 415]);
    const warnings = output.emitWarning.mock.calls.map((call) => String(call[0]));
    expect(warnings).toEqual([expect.stringContaining("HTTP 415: only JSON-encoded OTLP is accepted")]);
  });
});

describe("a deployment that takes protobuf", () => {
  const { receiver, setUp, endedSpans } = useExporterHarness({
    apiKey: API_KEY,
    tenantId: TENANT,
    tracerName: "protobuf-test",
    exporter: { transport: "otlp" },
  });

  it("keeps getting protobuf, and once it accepted one, requests carry no JSON form", async () => {
    const { provider, tracer, exporter } = setUp();
    expect(exporter.prepare(endedSpans(1, "before"))[0]!.asJson).toBeTypeOf("function");
    tracer.startSpan("a").end();
    await provider.forceFlush();
    expect(contentTypes(receiver.events)).toEqual(["application/x-protobuf"]);
    const [next] = exporter.prepare(endedSpans(1, "after"));
    expect(next!.contentType).toBe("application/x-protobuf");
    expect(next!.asJson).toBeUndefined();
  });
});

