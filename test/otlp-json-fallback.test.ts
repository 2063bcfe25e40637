// Units of "OTLP protobuf refused, sent again as JSON": which answers are a
// refusal of the encoding, what each request is built as, and the transport
// that switches (once per server, nothing lost, one debug line).
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { loadOtlpTraceTypes } from "../src/receiver/otlp-schema.js";
import { createOtlpSpanViewer } from "../src/exporter/otlp-span-view.js";
import { otlpRequest } from "../src/exporter/otlp-request.js";
import { partialRejection } from "../src/exporter/otlp-response.js";
import { createPrivacy } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { decideOtlpEncoding, inServerEncoding, otlpEncodingsOf } from "../src/transport/otlp-encodings.js";
import { OtlpJsonFallbackTransport, refusesOtlpEncoding } from "../src/transport/otlp-json-fallback.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";
import { makeSpan } from "./mapping-fixture.js";

let servers = 0;
/** A base URL no other test has used: the registry is per server, for the whole process. */
const freshServer = () => `http://fallback-test-${++servers}.invalid`;

const privacy = createPrivacy();
const viewSpans = createOtlpSpanViewer(privacy, createResourceMapper({}, privacy));

function requestFor(server: string, names: string[] = ["a", "b"]): OutgoingRequest {
  const encodings = otlpEncodingsOf(server);
  return otlpRequest(
    names.map((name) => makeSpan({ name })),
    { channelId: "ch_1", viewSpans, encoding: () => decideOtlpEncoding(undefined, encodings) },
  )!;
}

const refused415: SendResult = { kind: "failure", status: 415, message: "HTTP 415: only JSON-encoded OTLP is accepted" };
const ok: SendResult = { kind: "success", status: 200 };

/** Answers each request by its content type, and records what it was sent. */
function fakeServer(answer: (request: OutgoingRequest) => SendResult | Promise<SendResult>) {
  const sent: OutgoingRequest[] = [];
  const transport: Transport = {
    send: async (request) => {
      sent.push(request);
      return answer(request);
    },
    close: () => {},
  };
  return { sent, transport };
}
const jsonOnly = (request: OutgoingRequest) => (request.contentType === "application/json" ? ok : refused415);

/** Our diag lines (the component logger puts the namespace first). */
function captureDebug(): string[] {
  const lines: string[] = [];
  const record = (...args: unknown[]) => {
    if (args[0] === "axonpush-otel") lines.push(args.slice(1).join(" "));
  };
  diag.setLogger({ error: record, warn: record, info: record, debug: record, verbose: record }, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return lines;
}
afterEach(() => diag.disable());

describe("refusesOtlpEncoding", () => {
  it.each<[string, SendResult, boolean]>([
    ["415, whatever it says", { kind: "failure", status: 415, message: "HTTP 415" }, true],
    ["400 naming the content type", { kind: "failure", status: 400, message: "HTTP 400: unsupported Content-Type application/x-protobuf" }, true],
    ["400 naming the media type", { kind: "failure", status: 400, message: "HTTP 400: unsupported media type" }, true],
    ["400 saying JSON only", { kind: "failure", status: 400, message: "HTTP 400: only JSON is accepted" }, true],
    ["400 about protobuf", { kind: "failure", status: 400, message: "HTTP 400: protobuf bodies are not supported" }, true],
    ["400 about the channel", { kind: "failure", status: 400, message: "HTTP 400: missing X-Axonpush-Channel header (set AXONPUSH_CHANNEL_ID)" }, false],
    ["400 about a key without an app", { kind: "failure", status: 400, message: "HTTP 400: API key is not scoped to an app" }, false],
    ["422", { kind: "failure", status: 422, message: "HTTP 422: validation failed (content-type)" }, false],
    ["401", { kind: "failure", status: 401, message: "HTTP 401: invalid API key" }, false],
    ["503", { kind: "retryable", status: 503, message: "HTTP 503: content type service down" }, false],
    ["success", ok, false],
  ])("%s: %s", (_label, result, expected) => {
    expect(refusesOtlpEncoding(result)).toBe(expected);
  });
});

describe("decideOtlpEncoding", () => {
  it("the user's choice wins and never switches", () => {
    const server = otlpEncodingsOf(freshServer());
    server.learnJsonOnly();
    expect(decideOtlpEncoding("protobuf", server)).toEqual({ encoding: "protobuf", mayFallBackToJson: false });
    expect(decideOtlpEncoding("json", otlpEncodingsOf(freshServer()))).toEqual({ encoding: "json", mayFallBackToJson: false });
  });

  it("else protobuf that may fall back, until the server says which it takes", () => {
    const url = freshServer();
    expect(decideOtlpEncoding(undefined, otlpEncodingsOf(url))).toEqual({ encoding: "protobuf", mayFallBackToJson: true });
    otlpEncodingsOf(url).learnProtobufAccepted();
    expect(decideOtlpEncoding(undefined, otlpEncodingsOf(url))).toEqual({ encoding: "protobuf", mayFallBackToJson: false });
    const refusing = freshServer();
    otlpEncodingsOf(refusing).learnJsonOnly();
    expect(decideOtlpEncoding(undefined, otlpEncodingsOf(refusing))).toEqual({ encoding: "json", mayFallBackToJson: false });
  });
});

describe("an OTLP request that may have to become JSON", () => {
  it("carries its JSON form: the same spans, the same channel, a key derived from its own, built once", () => {
    const request = requestFor(freshServer());
    expect(request.contentType).toBe("application/x-protobuf");
    const json = request.asJson!();
    expect(json).toBe(request.asJson!());
    expect(json).toMatchObject({ path: "/v1/traces", contentType: "application/json", spanCount: 2, headers: { "X-Axonpush-Channel": "ch_1" } });
    expect(json.idempotencyKey).toBe(`${request.idempotencyKey}~json`);
    expect(json.asJson).toBeUndefined();
    const body = JSON.parse(Buffer.from(json.body as Uint8Array).toString("utf8"));
    const names = body.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans.map((span: any) => span.name)));
    expect(names).toEqual(["a", "b"]);
  });

  it("carries nothing extra once the server is known: JSON-only (built as JSON) or protobuf-accepting", () => {
    const refusing = freshServer();
    otlpEncodingsOf(refusing).learnJsonOnly();
    const json = requestFor(refusing);
    expect(json.contentType).toBe("application/json");
    expect(json.asJson).toBeUndefined();
    const accepting = freshServer();
    otlpEncodingsOf(accepting).learnProtobufAccepted();
    expect(requestFor(accepting).asJson).toBeUndefined();
  });

  it("goes as JSON to a server known to take only JSON (the exit path's conversion), as itself elsewhere", () => {
    const url = freshServer();
    const request = requestFor(url);
    expect(inServerEncoding(request, otlpEncodingsOf(url))).toBe(request);
    otlpEncodingsOf(url).learnJsonOnly();
    expect(inServerEncoding(request, otlpEncodingsOf(url))).toBe(request.asJson!());
  });
});

describe("OtlpJsonFallbackTransport", () => {
  it("a 415 to protobuf: the batch is sent again as JSON, the server remembered, one debug line", async () => {
    const url = freshServer();
    const debug = captureDebug();
    const { sent, transport } = fakeServer(jsonOnly);
    const fallback = new OtlpJsonFallbackTransport(transport, otlpEncodingsOf(url));
    const request = requestFor(url);
    expect(await fallback.send(request)).toEqual(ok);
    expect(sent.map((r) => r.contentType)).toEqual(["application/x-protobuf", "application/json"]);
    expect(sent[1]).toBe(request.asJson!());
    expect(otlpEncodingsOf(url).jsonOnly).toBe(true);
    expect(debug).toEqual([`${url} refused OTLP protobuf (HTTP 415); sending OTLP/JSON from now on, this batch included`]);

    // Built before the switch: straight to JSON, no second refusal.
    const older = requestFor(freshServer());
    sent.length = 0;
    expect(await fallback.send(older)).toEqual(ok);
    expect(sent).toEqual([older.asJson!()]);
    expect(debug).toHaveLength(1);
  });

  it("many batches refused at once: each sent again once, the line said once", async () => {
    const url = freshServer();
    const debug = captureDebug();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { sent, transport } = fakeServer(async (request) => {
      if (request.contentType !== "application/json") await gate;
      return jsonOnly(request);
    });
    const fallback = new OtlpJsonFallbackTransport(transport, otlpEncodingsOf(url));
    const requests = Array.from({ length: 5 }, (_, i) => requestFor(url, [`span-${i}`]));
    const results = requests.map((request) => fallback.send(request));
    release();
    expect(await Promise.all(results)).toEqual(requests.map(() => ok));
    expect(sent.filter((r) => r.contentType === "application/json")).toHaveLength(5);
    expect(sent.filter((r) => r.contentType === "application/x-protobuf")).toHaveLength(5);
    expect(debug).toHaveLength(1);
  });

  it("a 400 naming the content type switches too; a 400 about something else does not", async () => {
    const url = freshServer();
    const named: SendResult = { kind: "failure", status: 400, message: "HTTP 400: Content-Type must be application/json" };
    const { sent, transport } = fakeServer((request) => (request.contentType === "application/json" ? ok : named));
    expect(await new OtlpJsonFallbackTransport(transport, otlpEncodingsOf(url)).send(requestFor(url))).toEqual(ok);
    expect(sent).toHaveLength(2);

    const other = freshServer();
    const channel: SendResult = { kind: "failure", status: 400, message: "HTTP 400: missing X-Axonpush-Channel header" };
    const second = fakeServer(() => channel);
    expect(await new OtlpJsonFallbackTransport(second.transport, otlpEncodingsOf(other)).send(requestFor(other))).toEqual(channel);
    expect(second.sent).toHaveLength(1);
    expect(otlpEncodingsOf(other).jsonOnly).toBe(false);
  });

  it("the user's encoding is never switched: a 415 is the answer", async () => {
    const url = freshServer();
    const explicit = otlpRequest([makeSpan()], { viewSpans, encoding: "protobuf" })!;
    const { sent, transport } = fakeServer(jsonOnly);
    expect(await new OtlpJsonFallbackTransport(transport, otlpEncodingsOf(url)).send(explicit)).toEqual(refused415);
    expect(sent).toEqual([explicit]);
    expect(otlpEncodingsOf(url).jsonOnly).toBe(false);
  });

  it("a protobuf success marks the server as taking protobuf: later requests carry no JSON form", async () => {
    const url = freshServer();
    const { transport } = fakeServer(() => ok);
    await new OtlpJsonFallbackTransport(transport, otlpEncodingsOf(url)).send(requestFor(url));
    expect(otlpEncodingsOf(url).protobufAccepted).toBe(true);
    expect(requestFor(url).asJson).toBeUndefined();
  });

  it("other requests (events, JSON already) pass through untouched", async () => {
    const url = freshServer();
    otlpEncodingsOf(url).learnJsonOnly();
    const event: OutgoingRequest = { path: "/event", contentType: "application/json", body: "{}", idempotencyKey: "k", spanCount: 1 };
    const { sent, transport } = fakeServer(() => refused415);
    expect(await new OtlpJsonFallbackTransport(transport, otlpEncodingsOf(url)).send(event)).toEqual(refused415);
    expect(sent).toEqual([event]);
  });
});

describe("partialRejection reads the answer in the encoding it came in", () => {
  it("a JSON answer to a protobuf request that was sent again as JSON", () => {
    const request = requestFor(freshServer(), ["a", "b", "c"]);
    const body = new TextEncoder().encode(JSON.stringify({ partialSuccess: { rejectedSpans: "2", errorMessage: "bad span" } }));
    expect(partialRejection(request, { kind: "success", status: 200, body })).toEqual({
      rejectedSpans: 2,
      result: { kind: "failure", status: 200, message: "2 of 3 span(s) refused (partial success): bad span" },
    });
  });

  it("a protobuf answer whose bytes happen to start like JSON (a newline tag, then a length of 123)", async () => {
    const types = (await loadOtlpTraceTypes())!;
    const response = { partialSuccess: { rejectedSpans: "1", errorMessage: "e".repeat(119) } };
    const body = types.response.encode(types.response.fromObject(response)).finish();
    expect(Buffer.from(body.subarray(0, 2)).toString("latin1")).toBe("\n{");
    const request = requestFor(freshServer(), ["a", "b"]);
    expect(partialRejection(request, { kind: "success", status: 200, body })?.rejectedSpans).toBe(1);
  });
});
