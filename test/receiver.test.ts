// The receiver's own machinery over real HTTP, on the default version (go):
// listeners, failure rules, being down, hung requests, reset, waitForSpans and
// the printer's formatting. What differs per API version is proven in
// receiver-api-versions.test.ts.
import { Agent } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { formatSpanLine, formatTraceTree, startLocalReceiver } from "../src/receiver/index.js";
import type { LocalReceiver, ReceivedSpan } from "../src/receiver/index.js";
import { headersFor, send as sendTo, spanEvent, TRACE, type SendOptions } from "./receiver-requests.js";

const HEADERS = headersFor("go");
const send = (url: string, options: SendOptions = {}) => sendTo(url, { headers: HEADERS, ...options });

let receiver: LocalReceiver;
beforeAll(async () => {
  receiver = await startLocalReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.reset());

describe("listeners", () => {
  it("calls onSpan for each span and survives a listener that throws", async () => {
    const seen: string[] = [];
    const local = await startLocalReceiver({
      onSpan: (span, event) => {
        seen.push(`${span.name}:${event.body.channel_id}`);
        throw new Error("listener bug");
      },
    });
    try {
      expect((await send(local.url, { body: spanEvent() })).status).toBe(200);
      expect(seen).toEqual(["GET /users:ch_1"]);
    } finally {
      await local.close();
    }
  });

  it("calls onRejection for each refusal, with the server's words", async () => {
    const seen: string[] = [];
    const local = await startLocalReceiver({ onRejection: (r) => seen.push(`${r.status} ${r.message}`) });
    try {
      expect((await send(local.url, { body: spanEvent({ environment: "prod" }) })).status).toBe(422);
      expect(seen).toEqual(["422 validation failed: body.environment unexpected property"]);
    } finally {
      await local.close();
    }
  });
});

describe("failure injection", () => {
  it("answers an injected status with Retry-After, then recovers, without recording a rejection", async () => {
    receiver.failNext({ status: 429, retryAfter: "2" });
    const limited = await send(receiver.url, { body: spanEvent() });
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("2");
    expect(limited.body).toMatchObject({ status: 429, detail: "injected failure (status 429)" });
    const ok = await send(receiver.url, { body: spanEvent() });
    expect(ok.status).toBe(200);
    expect(receiver.events).toHaveLength(1);
    expect(receiver.rejections).toEqual([]);
    expect(receiver.requestCount).toBe(2);
  });

  it("applies a rule `times` times, and rules in order", async () => {
    receiver.failNext({ status: 503, times: 2 });
    receiver.failNext({ status: 500 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(receiver.url, { body: spanEvent() })).status);
    expect(statuses).toEqual([503, 503, 500, 200]);
    expect(receiver.events).toHaveLength(1);
  });

  it("delays an answer, then processes the request normally", async () => {
    receiver.failNext({ delayMs: 200 });
    const started = Date.now();
    const answer = await send(receiver.url, { body: spanEvent() });
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(receiver.events).toHaveLength(1);
  });

  it("reset() forgets a request a delay rule still holds: it is never stored into what comes after, its connection closed", async () => {
    receiver.failNext({ delayMs: 300 });
    const answer = send(receiver.url, { body: spanEvent() });
    while (receiver.requestCount === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    receiver.reset();
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.events).toEqual([]);
    expect(receiver.spans()).toEqual([]);
  });

  it("counts the most connections open at once", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 3 });
    try {
      receiver.failNext({ delayMs: 100, times: 3 });
      await Promise.all([0, 1, 2].map(() => send(receiver.url, { body: spanEvent(), agent })));
      expect(receiver.peakConnections).toBe(3);
    } finally {
      agent.destroy();
    }
  });

  it("drops the connection for a destroy rule", async () => {
    receiver.failNext({ destroy: true });
    await expect(send(receiver.url, { body: spanEvent() })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(receiver.requestCount).toBe(1);
    expect((await send(receiver.url, { body: spanEvent() })).status).toBe(200);
    expect(receiver.events).toHaveLength(1);
  });

  it("destroys every connection while down, and serves again when back up", async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      expect((await send(receiver.url, { body: spanEvent(), agent })).status).toBe(200);
      receiver.setDown(true);
      await expect(send(receiver.url, { body: spanEvent(), agent })).rejects.toThrow();
      await expect(send(receiver.url, { body: spanEvent() })).rejects.toThrow();
      receiver.setDown(false);
      expect((await send(receiver.url, { body: spanEvent(), agent })).status).toBe(200);
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
      expect((await send(local.url, { body: spanEvent(), agent })).status).toBe(200);
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

  it("reset() forgets events, rules, counts and idempotency keys (nest)", async () => {
    const nest = await startLocalReceiver({ api: "nest" });
    try {
      const headers = headersFor("nest", { "idempotency-key": "same" });
      await send(nest.url, { headers, body: spanEvent() });
      nest.failNext({ status: 500 });
      nest.reset();
      expect(nest.events).toEqual([]);
      expect(nest.requestCount).toBe(0);
      const again = await send(nest.url, { headers, body: spanEvent({ metadata: { another: "body" } }) });
      expect(again.status).toBe(201);
      expect(again.body.duplicate).toBeUndefined();
      expect(nest.spans()).toHaveLength(1);
    } finally {
      await nest.close();
    }
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
    expect(message).toContain("422 validation failed: body.payload.kind must be one of");
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
