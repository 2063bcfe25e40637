// The exporter with `transport: "otlp"` against a deployment that takes only
// JSON-encoded OTLP (the local receiver's `otlp: "json-only"`, which answers
// protobuf with 415): with no encoding chosen, the first refused batch is sent
// again as JSON and every later one is built as JSON (those queued before
// the switch go as JSON too), nothing lost, nothing printed at the default
// level. An encoding the user chose (OTEL_EXPORTER_OTLP_PROTOCOL) is kept as
// it is. (The exit path sends through the same lane: exit-delivery.test.ts.)
import { describe, expect, it } from "vitest";
import { resolveExporterSettings } from "../src/exporter/options.js";
import { prepareRequests } from "../src/sender/request-maker.js";
import { otlpEncodingsOf } from "../src/transport/otlp-encodings.js";
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

  it("a batch queued as protobuf before the switch goes as JSON; one built after is JSON from the start", async () => {
    const output = captureAllOutput();
    const { exporter } = setUp({ exporter: { concurrency: 1 } });
    // The first (refused) answer is slow, so the second batch is already queued, built as protobuf.
    receiver.failNext({ delayMs: 300 });
    exporter.export(endedSpans(2, "teacher"), () => {});
    exporter.export(endedSpans(4, "queued"), () => {});
    await exporter.forceFlush();
    expect(names(receiver.spans())).toEqual(["queued-0", "queued-1", "queued-2", "queued-3", "teacher-0", "teacher-1"]);
    expect(contentTypes(receiver.events)).toEqual(["application/json", "application/json"]);
    expect(receiver.requestCount).toBe(3);
    // The queued batch went as its JSON form, under the key derived from its own.
    const keys = receiver.tries.map((t) => t.idempotencyKey);
    expect(keys[2]).toMatch(/~json$/);
    expect(output.emitWarning).not.toHaveBeenCalled();
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
      await provider.forceFlush();
    }
    expect(receiver.spans()).toEqual([]);
    expect(receiver.requestCount).toBe(2);
    expect(receiver.rejections.map((r) => r.status)).toEqual([415, 415]);
    await provider.shutdown();
    const warnings = output.emitWarning.mock.calls.map((call) => String(call[0]));
    expect(warnings).toEqual([expect.stringMatching(/^2 spans not delivered at shutdown: 2 refused by AxonPush \(HTTP 415: only JSON-encoded OTLP is accepted/)]);
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
    // On this thread, so what the sender learns is visible to the prepare() below.
    const { provider, tracer, client } = setUp({ onAppThread: true });
    const prepare = (prefix: string) =>
      prepareRequests(resolveExporterSettings({ client, transport: "otlp" }), endedSpans(1, prefix), undefined, otlpEncodingsOf(client.baseUrl)).requests;
    expect(prepare("before")[0]!.asJson).toBeTypeOf("function");
    tracer.startSpan("a").end();
    await provider.forceFlush();
    expect(contentTypes(receiver.events)).toEqual(["application/x-protobuf"]);
    const [next] = prepare("after");
    expect(next!.contentType).toBe("application/x-protobuf");
    expect(next!.asJson).toBeUndefined();
  });
});

