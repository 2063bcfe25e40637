import { diag, DiagLogLevel, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import type { AxonPushSpanExporterOptions } from "../src/exporter/options.js";
import { hrTimeToNanosString } from "../src/exporter/hrtime.js";
import { makeSpan, PARENT_SPAN_ID, SPAN_ID, TRACE_ID } from "./mapping-fixture.js";
import { preparer, type Preparer } from "./helpers/prepare.js";

const client = new AxonPushClient({ apiKey: "ak_test_secret", tenantId: "tenant_1", baseUrl: "http://127.0.0.1:9" });

function exporterWith(options: Partial<AxonPushSpanExporterOptions> = {}): Preparer {
  return preparer({ client, channelId: "ch_1", ...options });
}

/** The body that would go on the wire for one span. */
function bodyOf(span = makeSpan(), options: Partial<AxonPushSpanExporterOptions> = {}): any {
  const [request] = exporterWith(options).prepare([span]);
  expect(request).toBeDefined();
  return JSON.parse(request!.body as string);
}

describe("top-level fields of the event", () => {
  it("has only properties every API version declares, plus dedupKey", () => {
    const body = bodyOf();
    expect(Object.keys(body).sort()).toEqual(
      ["channel_id", "dedupKey", "eventType", "identifier", "metadata", "parentSpanId", "payload", "spanId", "traceId"].sort(),
    );
    expect(body.identifier).toBe("GET /users/:id");
    expect(body.eventType).toBe("app.span");
    expect(body.channel_id).toBe("ch_1");
    expect(body.traceId).toBe(TRACE_ID);
    expect(body.spanId).toBe(SPAN_ID);
    expect(body.parentSpanId).toBe(PARENT_SPAN_ID);
    expect(body.payload.parentSpanId).toBe(PARENT_SPAN_ID);
    // The old parentEventId lives on in metadata, as the official TypeScript SDK keeps it.
    expect(body.metadata).toEqual({ framework: "opentelemetry", "axonpush.parent_event_id": PARENT_SPAN_ID });
    expect(body.dedupKey).toBe(`otel:${TRACE_ID}:${SPAN_ID}`);
  });

  it("has no parent fields for a root span", () => {
    const body = bodyOf(makeSpan({ parentSpanContext: undefined }));
    expect(body).not.toHaveProperty("parentSpanId");
    expect(body).not.toHaveProperty("parentEventId");
    expect(body.payload).not.toHaveProperty("parentSpanId");
    expect(body.metadata).toEqual({ framework: "opentelemetry" });
  });

  it("never sends environment or parentEventId as body properties: the environment is in the resource (and a header)", () => {
    const body = bodyOf(makeSpan(), { environment: "production" });
    expect(body).not.toHaveProperty("environment");
    expect(body).not.toHaveProperty("parentEventId");
    expect(body.payload.resource["deployment.environment"]).toBe("production");
  });

  it("carries sync only in sync mode", () => {
    expect(bodyOf(makeSpan(), { mode: "sync" }).sync).toBe(true);
    expect(bodyOf(makeSpan(), { mode: "background" })).not.toHaveProperty("sync");
  });

  it("leaves channel_id out when no channel is configured (the key's default channel)", () => {
    for (const channelId of [undefined, ""]) expect(bodyOf(makeSpan(), { channelId })).not.toHaveProperty("channel_id");
  });

  it("gives a span the same dedupKey every time it is prepared, and each request its own Idempotency-Key", () => {
    const span = makeSpan();
    const [first] = exporterWith().prepare([span]);
    const [second] = exporterWith().prepare([span]);
    expect(JSON.parse(first!.body as string).dedupKey).toBe(JSON.parse(second!.body as string).dedupKey);
    expect(first!.idempotencyKey).not.toBe(second!.idempotencyKey);
  });

  it("turns a numeric channel id into the string the API expects", () => {
    const body = bodyOf(makeSpan(), { channelId: 42 as unknown as string });
    expect(body.channel_id).toBe("42");
  });

  it("never sends an empty identifier", () => {
    const body = bodyOf(makeSpan({ name: "" }));
    expect(body.identifier).not.toBe("");
    expect(body.payload.name).toBe(body.identifier);
  });
});

describe("payload", () => {
  it("repeats ids, name and timing", () => {
    const { payload } = bodyOf();
    expect(payload.name).toBe("GET /users/:id");
    expect(payload.traceId).toBe(TRACE_ID);
    expect(payload.spanId).toBe(SPAN_ID);
    expect(payload.parentSpanId).toBe(PARENT_SPAN_ID);
    expect(payload.startTimeUnixNano).toBe("1700000000123456789");
    expect(payload.endTimeUnixNano).toBe("1700000001987654321");
  });

  it.each([
    [SpanKind.INTERNAL, "INTERNAL"],
    [SpanKind.SERVER, "SERVER"],
    [SpanKind.CLIENT, "CLIENT"],
    [SpanKind.PRODUCER, "PRODUCER"],
    [SpanKind.CONSUMER, "CONSUMER"],
  ])("maps kind %i to %s", (kind, name) => {
    expect(bodyOf(makeSpan({ kind })).payload.kind).toBe(name);
  });

  it.each([
    [SpanStatusCode.UNSET, "UNSET", undefined],
    [SpanStatusCode.OK, "OK", undefined],
    [SpanStatusCode.ERROR, "ERROR", "connection refused"],
    [SpanStatusCode.OK, "OK", "all good"],
  ])("maps status %i to %s with message %s", (code, name, message) => {
    const { payload } = bodyOf(makeSpan({ status: message === undefined ? { code } : { code, message } }));
    expect(payload.status).toBe(name);
    if (message === undefined) expect(payload).not.toHaveProperty("statusMessage");
    else expect(payload.statusMessage).toBe(message);
  });

  it("stringifies every attribute value: scalars with String(), arrays as JSON", () => {
    const { payload } = bodyOf(
      makeSpan({
        attributes: {
          "http.route": "/users/:id",
          "http.status_code": 200,
          "db.rows": 0,
          ratio: 0.25,
          negative: -3,
          "cache.hit": true,
          "cache.stale": false,
          "http.request.header.accept": ["text/html", "a,b"],
          "retry.delays": [250, 500],
          flags: [true, false],
          sparse: ["a", null, undefined] as unknown as string[],
          "nested.deep.key.name": "nested value",
          missing: undefined,
        },
      }),
    );
    expect(payload.attributes).toEqual({
      "http.route": "/users/:id",
      "http.status_code": "200",
      "db.rows": "0",
      ratio: "0.25",
      negative: "-3",
      "cache.hit": "true",
      "cache.stale": "false",
      "http.request.header.accept": '["text/html","a,b"]',
      "retry.delays": "[250,500]",
      flags: "[true,false]",
      sparse: '["a",null,null]',
      "nested.deep.key.name": "nested value",
    });
    for (const value of Object.values(payload.attributes)) expect(typeof value).toBe("string");
  });

  it("turns an object value (invalid in OpenTelemetry, possible by hand) into JSON instead of failing", () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const { payload } = bodyOf(
      makeSpan({ attributes: { obj: { a: { b: [1, 2] } } as never, loop: circular as never } }),
    );
    expect(payload.attributes.obj).toBe('{"a":{"b":[1,2]}}');
    expect(payload.attributes.loop).toBe("[unserializable]");
  });

  it("maps events with their time and string attributes", () => {
    const { payload } = bodyOf(
      makeSpan({
        events: [
          { name: "exception", time: [1_700_000_000, 5], attributes: { "exception.type": "TypeError", code: 7 } },
          { name: "cache.miss", time: [1_700_000_000, 999_999_999] },
        ],
      }),
    );
    expect(payload.events).toEqual([
      { name: "exception", timeUnixNano: "1700000000000000005", attributes: { "exception.type": "TypeError", code: "7" } },
      { name: "cache.miss", timeUnixNano: "1700000000999999999", attributes: {} },
    ]);
  });

  it("maps links with their ids and string attributes", () => {
    const linked = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "53995c3f42cd8ad8", traceFlags: 1 };
    const { payload } = bodyOf(
      makeSpan({ links: [{ context: linked, attributes: { "messaging.batch": true } }, { context: linked }] }),
    );
    expect(payload.links).toEqual([
      { traceId: linked.traceId, spanId: linked.spanId, attributes: { "messaging.batch": "true" } },
      { traceId: linked.traceId, spanId: linked.spanId, attributes: {} },
    ]);
  });

  it("maps the instrumentation scope with and without a version", () => {
    expect(bodyOf().payload.scope).toEqual({ name: "@opentelemetry/instrumentation-http", version: "0.223.0" });
    expect(bodyOf(makeSpan({ instrumentationScope: { name: "manual" } })).payload.scope).toEqual({ name: "manual" });
  });
});

describe("payload.resource", () => {
  const resource = resourceFromAttributes({
    "service.name": "from-resource",
    "service.version": "0.0.1",
    "deployment.environment": "staging",
    "host.name": "box-1",
    "process.pid": 4242,
    "process.command_args": ["node", "app.js"],
  });

  it("keeps the span's resource when no option overrides it, values stringified", () => {
    expect(bodyOf(makeSpan({ resource })).payload.resource).toEqual({
      "service.name": "from-resource",
      "service.version": "0.0.1",
      "deployment.environment": "staging",
      "host.name": "box-1",
      "process.pid": "4242",
      "process.command_args": '["node","app.js"]',
    });
  });

  it("lets constructor options win over the resource and keeps the rest", () => {
    const mapped = bodyOf(makeSpan({ resource }), {
      serviceName: "my-api",
      serviceVersion: "2.0.0",
      environment: "production",
    }).payload.resource;
    expect(mapped["service.name"]).toBe("my-api");
    expect(mapped["service.version"]).toBe("2.0.0");
    expect(mapped["deployment.environment"]).toBe("production");
    expect(mapped["host.name"]).toBe("box-1");
    expect(mapped["process.pid"]).toBe("4242");
  });

  it("fills deployment.environment from the newer deployment.environment.name", () => {
    const newer = resourceFromAttributes({ "service.name": "svc", "deployment.environment.name": "qa" });
    expect(bodyOf(makeSpan({ resource: newer })).payload.resource["deployment.environment"]).toBe("qa");
    const overridden = bodyOf(makeSpan({ resource: newer }), { environment: "prod" }).payload.resource;
    expect(overridden["deployment.environment"]).toBe("prod");
    expect(overridden["deployment.environment.name"]).toBe("prod");
  });

  it("reads a resource whose async attributes are still pending without waiting (exit path)", () => {
    let release!: () => void;
    const later = new Promise<Record<string, string>>((resolve) => {
      release = () => resolve({ "host.id": "h-1" });
    });
    const pending = resourceFromAttributes({ "service.name": "svc", "host.id": later as never });
    expect(pending.asyncAttributesPending).toBe(true);
    const errors: string[] = [];
    const noop = () => {};
    diag.setLogger({ error: (m) => errors.push(m), warn: noop, info: noop, debug: noop, verbose: noop }, DiagLogLevel.ERROR);
    try {
      const exporter = exporterWith();
      const [request] = exporter.prepare([makeSpan({ resource: pending })]);
      const resource = JSON.parse(request!.body as string).payload.resource;
      expect(resource["service.name"]).toBe("svc");
      expect(resource).not.toHaveProperty("host.id");
      // Reading `resource.attributes` early would have logged an SDK error.
      expect(errors).toEqual([]);
    } finally {
      diag.disable();
      release();
    }
  });
});

describe("hrTimeToNanosString", () => {
  it("is exact where floating point is not", () => {
    const time: [number, number] = [9_007_199_254, 740_993_123];
    expect(hrTimeToNanosString(time)).toBe("9007199254740993123");
    // The naive float computation loses the last digits; this is why BigInt is used.
    expect(String(time[0] * 1e9 + time[1])).not.toBe("9007199254740993123");
  });

  it("handles zero, sub-second and far-future times", () => {
    expect(hrTimeToNanosString([0, 0])).toBe("0");
    expect(hrTimeToNanosString([0, 1])).toBe("1");
    expect(hrTimeToNanosString([4_102_444_800, 999_999_999])).toBe("4102444800999999999");
  });
});

describe("serialisation", () => {
  it("prepares one POST /event request per span, each with its own idempotency key", () => {
    const exporter = exporterWith();
    const requests = exporter.prepare([makeSpan(), makeSpan(), makeSpan()]);
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(request.path).toBe("/event");
      expect(request.contentType).toBe("application/json");
      expect(request.spanCount).toBe(1);
      expect(request.idempotencyKey).toMatch(/^[\x20-\x7e]{1,255}$/);
    }
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(3);
    expect(exporter.prepare([makeSpan()])[0]!.idempotencyKey).not.toBe(requests[0]!.idempotencyKey);
  });

  it("skips a span that cannot be mapped instead of throwing", () => {
    const broken = makeSpan({ spanContext: () => { throw new Error("boom"); } });
    expect(exporterWith().prepare([broken, makeSpan()])).toHaveLength(1);
  });
});
