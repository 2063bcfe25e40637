import { request as httpRequest, Agent } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { formatSpanLine, formatTraceTree, startLocalReceiver } from "../src/receiver/index.js";
import type { LocalReceiver, ReceivedSpan } from "../src/receiver/index.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, any>;
}

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const ROOT = "00f067aa0ba902b7";
const CHILD = "1111111111111111";

const HEADERS = { "x-api-key": "ak_test", "x-tenant-id": "tenant_1", "content-type": "application/json" };

/** One real HTTP request on a fresh connection (unless an agent is given). */
function send(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: unknown; raw?: string; agent?: Agent } = {},
): Promise<Answer> {
  const text = options.raw ?? (options.body === undefined ? "" : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${options.path ?? "/event"}`,
      { method: options.method ?? "POST", headers: options.headers ?? HEADERS, agent: options.agent ?? false },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (data += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data ? JSON.parse(data) : {} }));
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

function spanEvent(overrides: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    identifier: "GET /users",
    eventType: "app.span",
    channel_id: "ch_1",
    traceId: TRACE,
    spanId: CHILD,
    parentEventId: ROOT,
    metadata: { framework: "opentelemetry" },
    environment: "test",
    payload: {
      name: "GET /users",
      kind: "SERVER",
      status: "OK",
      attributes: { "http.method": "GET", "http.status_code": "200" },
      startTimeUnixNano: "1700000000000000000",
      endTimeUnixNano: "1700000000012000000",
      resource: { "service.name": "api", "service.version": "1.0.0", "deployment.environment": "test" },
      traceId: TRACE,
      spanId: CHILD,
      parentSpanId: ROOT,
      events: [{ name: "cache.miss", timeUnixNano: "1700000000001000000", attributes: { key: "u1" } }],
      links: [],
      scope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" },
      ...payload,
    },
    ...overrides,
  };
}

let receiver: LocalReceiver;
beforeAll(async () => {
  receiver = await startLocalReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.reset());

describe("accepted events", () => {
  it("answers 201 with the API's shape and keeps the event and its span", async () => {
    const answer = await send(receiver.url, { headers: { ...HEADERS, "idempotency-key": "key-1" }, body: spanEvent() });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.any(String),
      eventId: expect.any(String),
      identifier: "GET /users",
      dedupKey: "key-1",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      queued: true,
    });
    expect(receiver.url).toBe(`http://127.0.0.1:${receiver.port}`);
    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0]!.idempotencyKey).toBe("key-1");
    expect(receiver.events[0]!.headers["x-tenant-id"]).toBe("tenant_1");
    expect(receiver.events[0]!.body.channel_id).toBe("ch_1");
    expect(receiver.spans()).toEqual([
      {
        traceId: TRACE,
        spanId: CHILD,
        parentSpanId: ROOT,
        name: "GET /users",
        kind: "SERVER",
        status: "OK",
        attributes: { "http.method": "GET", "http.status_code": "200" },
        resource: { "service.name": "api", "service.version": "1.0.0", "deployment.environment": "test" },
        startTimeUnixNano: "1700000000000000000",
        endTimeUnixNano: "1700000000012000000",
        events: [{ name: "cache.miss", timeUnixNano: "1700000000001000000", attributes: { key: "u1" } }],
        links: [],
        scope: { name: "@opentelemetry/instrumentation-http", version: "0.223.0" },
        via: "event",
      },
    ]);
    expect(receiver.rejections).toEqual([]);
  });

  it("answers queued: false for sync: true", async () => {
    const answer = await send(receiver.url, { body: spanEvent({ sync: true }) });
    expect(answer.status).toBe(201);
    expect(answer.body.queued).toBe(false);
  });

  it("accepts non-span events (custom, agent.*) without making spans of them", async () => {
    for (const eventType of ["custom", "app.log", "agent.tool.call"]) {
      const answer = await send(receiver.url, { body: { identifier: "x", payload: { a: 1 }, channel_id: "ch_1", eventType } });
      expect(answer.status, eventType).toBe(201);
    }
    const plain = await send(receiver.url, { body: { identifier: "x", payload: {}, channel_id: "ch_1" } });
    expect(plain.status).toBe(201);
    expect(receiver.events).toHaveLength(4);
    expect(receiver.spans()).toEqual([]);
  });

  it("replays the cached answer for a repeated Idempotency-Key and stores the event once", async () => {
    const headers = { ...HEADERS, "idempotency-key": "retry-me" };
    const first = await send(receiver.url, { headers, body: spanEvent() });
    const second = await send(receiver.url, { headers, body: spanEvent() });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.duplicate).toBeUndefined();
    expect(second.body).toEqual({ ...first.body, duplicate: true });
    const other = await send(receiver.url, { headers: { ...headers, "idempotency-key": "another" }, body: spanEvent() });
    expect(other.body.eventId).not.toBe(first.body.eventId);
    expect(receiver.events).toHaveLength(2);
    expect(receiver.spans()).toHaveLength(2);
    expect(receiver.requestCount).toBe(3);
  });

  it("calls onSpan for each span and survives a listener that throws", async () => {
    const seen: string[] = [];
    const local = await startLocalReceiver({
      onSpan: (span, event) => {
        seen.push(`${span.name}:${event.body.channel_id}`);
        throw new Error("listener bug");
      },
    });
    try {
      expect((await send(local.url, { body: spanEvent() })).status).toBe(201);
      expect(seen).toEqual(["GET /users:ch_1"]);
    } finally {
      await local.close();
    }
  });
});

describe("strict validation", () => {
  const bad: [string, { method?: string; path?: string; headers?: Record<string, string>; body?: unknown; raw?: string }, number, string][] = [
    ["GET /event", { method: "GET" }, 404, "GET /event"],
    ["unknown path", { path: "/events", body: spanEvent() }, 404, "POST /events"],
    ["no API key", { headers: { "x-tenant-id": "t", "content-type": "application/json" }, body: spanEvent() }, 401, "X-API-Key"],
    ["empty API key", { headers: { ...HEADERS, "x-api-key": "" }, body: spanEvent() }, 401, "X-API-Key"],
    ["no tenant", { headers: { "x-api-key": "k", "content-type": "application/json" }, body: spanEvent() }, 400, "x-tenant-id"],
    ["text content type", { headers: { ...HEADERS, "content-type": "text/plain" }, body: spanEvent() }, 400, "Content-Type"],
    ["Idempotency-Key too long", { headers: { ...HEADERS, "idempotency-key": "k".repeat(256) }, body: spanEvent() }, 400, "Idempotency-Key"],
    ["Idempotency-Key not ASCII", { headers: { ...HEADERS, "idempotency-key": "clé" }, body: spanEvent() }, 400, "Idempotency-Key"],
    ["Idempotency-Key with a tab", { headers: { ...HEADERS, "idempotency-key": "a\tb" }, body: spanEvent() }, 400, "Idempotency-Key"],
    ["invalid JSON", { raw: "{nope" }, 400, "JSON"],
    ["array body", { body: [spanEvent()] }, 400, "body"],
    ["unknown field", { body: spanEvent({ trace_id: TRACE }) }, 400, "trace_id"],
    ["missing identifier", { body: spanEvent({ identifier: undefined }) }, 400, "identifier"],
    ["numeric identifier", { body: spanEvent({ identifier: 5 }) }, 400, "identifier"],
    ["missing payload", { body: spanEvent({ payload: undefined }) }, 400, "payload"],
    ["array payload", { body: spanEvent({ payload: [] }) }, 400, "payload"],
    ["missing channel_id", { body: spanEvent({ channel_id: undefined }) }, 400, "channel_id"],
    ["numeric channel_id", { body: spanEvent({ channel_id: 42 }) }, 400, "channel_id"],
    ["unknown eventType", { body: spanEvent({ eventType: "span" }) }, 400, "eventType"],
    ["uppercase traceId", { body: spanEvent({ traceId: TRACE.toUpperCase() }) }, 400, "traceId"],
    ["short spanId", { body: spanEvent({ spanId: "abc" }) }, 400, "spanId"],
    ["string sync", { body: spanEvent({ sync: "true" }) }, 400, "sync"],
    ["array metadata", { body: spanEvent({ metadata: [] }) }, 400, "metadata"],
    ["numeric environment", { body: spanEvent({ environment: 5 }) }, 400, "environment"],
    ["span without traceId", { body: spanEvent({ traceId: undefined }) }, 422, "traceId"],
    ["span without spanId", { body: spanEvent({ spanId: undefined }) }, 422, "spanId"],
    ["identifier is not the span name", { body: spanEvent({ identifier: "other" }) }, 422, "identifier"],
    ["lower-case kind", { body: spanEvent({}, { kind: "server" }) }, 422, "payload.kind"],
    ["numeric kind", { body: spanEvent({}, { kind: 2 }) }, 422, "payload.kind"],
    ["unknown status", { body: spanEvent({}, { status: "ERR" }) }, 422, "payload.status"],
    ["status as an object", { body: spanEvent({}, { status: { code: 1 } }) }, 422, "payload.status"],
    ["numeric attribute", { body: spanEvent({}, { attributes: { n: 1 } }) }, 422, 'payload.attributes["n"]'],
    ["missing attributes", { body: spanEvent({}, { attributes: undefined }) }, 422, "payload.attributes"],
    ["numeric start time", { body: spanEvent({}, { startTimeUnixNano: 1700000000000000000 }) }, 422, "startTimeUnixNano"],
    ["end before start", { body: spanEvent({}, { endTimeUnixNano: "1" }) }, 422, "endTimeUnixNano"],
    ["resource without service.name", { body: spanEvent({}, { resource: { "service.version": "1" } }) }, 422, "service.name"],
    ["numeric resource value", { body: spanEvent({}, { resource: { "service.name": "a", pid: 7 } }) }, 422, "pid"],
    ["payload.traceId differs", { body: spanEvent({}, { traceId: "0".repeat(31) + "1" }) }, 422, "payload.traceId"],
    ["payload.spanId differs", { body: spanEvent({}, { spanId: "2".repeat(16) }) }, 422, "payload.spanId"],
    ["null parentSpanId", { body: spanEvent({ parentEventId: undefined }, { parentSpanId: null }) }, 422, "parentSpanId"],
    ["parentEventId differs", { body: spanEvent({ parentEventId: "3".repeat(16) }) }, 422, "parentEventId"],
    ["numeric event time", { body: spanEvent({}, { events: [{ name: "e", timeUnixNano: 5 }] }) }, 422, "payload.events[0].timeUnixNano"],
    ["bad link traceId", { body: spanEvent({}, { links: [{ traceId: "x", spanId: ROOT }] }) }, 422, "payload.links[0].traceId"],
    ["scope without name", { body: spanEvent({}, { scope: { version: "1" } }) }, 422, "payload.scope.name"],
  ];

  it.each(bad)("%s → %i naming the problem", async (_name, request, status, mention) => {
    const answer = await send(receiver.url, request);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ code: expect.any(String), message: expect.stringContaining(mention), requestId: expect.any(String), ...(answer.body.hint ? { hint: answer.body.hint } : {}) });
    expect(receiver.events).toEqual([]);
    expect(receiver.rejections).toEqual([{ status, message: answer.body.message }]);
    expect(receiver.requestCount).toBe(1);
  });

  it("checks the key (401) and the tenant (403) when configured, without echoing the key", async () => {
    const strict = await startLocalReceiver({ apiKey: "ak_right", tenantId: "tenant_right" });
    try {
      const wrongKey = await send(strict.url, { headers: { ...HEADERS, "x-api-key": "ak_wrong_secret", "x-tenant-id": "tenant_right" }, body: spanEvent() });
      expect(wrongKey.status).toBe(401);
      expect(JSON.stringify(wrongKey.body)).not.toContain("ak_wrong_secret");
      const wrongTenant = await send(strict.url, { headers: { ...HEADERS, "x-api-key": "ak_right", "x-tenant-id": "tenant_other" }, body: spanEvent() });
      expect(wrongTenant.status).toBe(403);
      const right = await send(strict.url, { headers: { ...HEADERS, "x-api-key": "ak_right", "x-tenant-id": "tenant_right" }, body: spanEvent() });
      expect(right.status).toBe(201);
      expect(strict.events).toHaveLength(1);
      expect(strict.rejections.map((r) => r.status)).toEqual([401, 403]);
    } finally {
      await strict.close();
    }
  });
});

describe("failure injection", () => {
  it("answers an injected status with Retry-After, then recovers, without recording a rejection", async () => {
    receiver.failNext({ status: 429, retryAfter: "2" });
    const limited = await send(receiver.url, { body: spanEvent() });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("2");
    expect(limited.body.message).toEqual(expect.any(String));
    const ok = await send(receiver.url, { body: spanEvent() });
    expect(ok.status).toBe(201);
    expect(receiver.events).toHaveLength(1);
    expect(receiver.rejections).toEqual([]);
    expect(receiver.requestCount).toBe(2);
  });

  it("applies a rule `times` times, and rules in order", async () => {
    receiver.failNext({ status: 503, times: 2 });
    receiver.failNext({ status: 500 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(receiver.url, { body: spanEvent() })).status);
    expect(statuses).toEqual([503, 503, 500, 201]);
    expect(receiver.events).toHaveLength(1);
  });

  it("delays an answer, then processes the request normally", async () => {
    receiver.failNext({ delayMs: 200 });
    const started = Date.now();
    const answer = await send(receiver.url, { body: spanEvent() });
    expect(answer.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(receiver.events).toHaveLength(1);
  });

  it("drops the connection for a destroy rule", async () => {
    receiver.failNext({ destroy: true });
    await expect(send(receiver.url, { body: spanEvent() })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(receiver.requestCount).toBe(1);
    expect((await send(receiver.url, { body: spanEvent() })).status).toBe(201);
    expect(receiver.events).toHaveLength(1);
  });

  it("destroys every connection while down, and serves again when back up", async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      expect((await send(receiver.url, { body: spanEvent(), agent })).status).toBe(201);
      receiver.setDown(true);
      await expect(send(receiver.url, { body: spanEvent(), agent })).rejects.toThrow();
      await expect(send(receiver.url, { body: spanEvent() })).rejects.toThrow();
      receiver.setDown(false);
      expect((await send(receiver.url, { body: spanEvent(), agent })).status).toBe(201);
      expect(receiver.events).toHaveLength(2);
    } finally {
      agent.destroy();
    }
  });

  it("keeps a hung request unanswered until close(), which still finishes", async () => {
    const local = await startLocalReceiver();
    const agent = new Agent({ keepAlive: true });
    try {
      // An idle keep-alive socket too: close() must not wait for it either.
      expect((await send(local.url, { body: spanEvent(), agent })).status).toBe(201);
      local.failNext({ hang: true });
      let settled = false;
      const hung = send(local.url, { body: spanEvent() }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      expect(local.requestCount).toBe(2);
      await local.close();
      await expect(hung).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(local.events).toHaveLength(1);
    } finally {
      agent.destroy();
      await local.close();
    }
  });

  it("reset() forgets events, rules, counts and idempotency keys", async () => {
    const headers = { ...HEADERS, "idempotency-key": "same" };
    await send(receiver.url, { headers, body: spanEvent() });
    receiver.failNext({ status: 500 });
    receiver.reset();
    expect(receiver.events).toEqual([]);
    expect(receiver.requestCount).toBe(0);
    const again = await send(receiver.url, { headers, body: spanEvent() });
    expect(again.status).toBe(201);
    expect(again.body.duplicate).toBeUndefined();
    expect(receiver.spans()).toHaveLength(1);
  });
});

describe("waitForSpans", () => {
  it("resolves once enough spans (or a predicate) are satisfied", async () => {
    const byCount = receiver.waitForSpans(2, 5_000);
    const byPredicate = receiver.waitForSpans((spans) => spans.some((s) => s.kind === "CLIENT"), 5_000);
    await send(receiver.url, { body: spanEvent() });
    await send(receiver.url, { body: spanEvent({}, { kind: "CLIENT" }) });
    expect(await byCount).toHaveLength(2);
    expect((await byPredicate).map((s) => s.kind)).toEqual(["SERVER", "CLIENT"]);
    expect(await receiver.waitForSpans(1)).toHaveLength(2);
  });

  it("rejects on timeout saying what it has", async () => {
    await send(receiver.url, { body: spanEvent() });
    await send(receiver.url, { body: spanEvent({}, { kind: "weird" }) });
    const error = await receiver.waitForSpans(3, 50).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("timed out after 50 ms waiting for 3 span(s); have 1 span(s)");
    expect(message).toContain("[4bf92f35] GET /users  SERVER  12.0 ms  OK");
    expect(message).toContain("422 payload.kind must be one of");
  });
});

describe("formatting", () => {
  const base = { resource: {}, attributes: {}, events: [], links: [], via: "event" as const, status: "OK", kind: "INTERNAL" };
  const at = (startMs: number, endMs: number) => ({
    startTimeUnixNano: (1_700_000_000_000_000_000n + BigInt(startMs * 1_000_000)).toString(),
    endTimeUnixNano: (1_700_000_000_000_000_000n + BigInt(endMs * 1_000_000)).toString(),
  });
  const spans: ReceivedSpan[] = [
    { ...base, ...at(1, 5), traceId: TRACE, spanId: "b".repeat(16), parentSpanId: "a".repeat(16), name: "db query", kind: "CLIENT" },
    { ...base, ...at(0, 250), traceId: TRACE, spanId: "a".repeat(16), name: "GET /orders", kind: "SERVER" },
    { ...base, ...at(2, 2.5), traceId: TRACE, spanId: "c".repeat(16), parentSpanId: "b".repeat(16), name: "pool.connect" },
    { ...base, ...at(6, 20), traceId: TRACE, spanId: "d".repeat(16), parentSpanId: "a".repeat(16), name: "render", status: "ERROR", statusMessage: "boom" },
    { ...base, ...at(0, 3), traceId: "f".repeat(32), spanId: "e".repeat(16), parentSpanId: "9".repeat(16), name: "consume", kind: "CONSUMER", status: "UNSET" },
  ];

  it("formats one span as a line", () => {
    expect(formatSpanLine(spans[3]!)).toBe("[4bf92f35] render  INTERNAL  14.0 ms  ERROR (boom)");
    expect(formatSpanLine(spans[2]!)).toBe("[4bf92f35] pool.connect  INTERNAL  0.50 ms  OK");
  });

  it("nests children under parents, per trace, and marks orphans", () => {
    expect(formatTraceTree(spans)).toBe(
      [
        `trace ${TRACE} (4 spans)`,
        "└─ GET /orders  SERVER  250 ms  OK",
        "   ├─ db query  CLIENT  4.0 ms  OK",
        "   │  └─ pool.connect  INTERNAL  0.50 ms  OK",
        "   └─ render  INTERNAL  14.0 ms  ERROR (boom)",
        "",
        `trace ${"f".repeat(32)} (1 span)`,
        `└─ consume  CONSUMER  3.0 ms  UNSET  (orphan: parent ${"9".repeat(16)} not received)`,
      ].join("\n"),
    );
  });
});
