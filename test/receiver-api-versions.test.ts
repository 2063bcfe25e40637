// The receiver imitates each AxonPush API version (/work/shared/axonpush-api.md):
// headers, declared body properties and how an undeclared one is refused,
// channel_id and eventType rules, answer status and shape, duplicate collapse
// (nest: Idempotency-Key, go: dedupKey), error shapes, the `channels` option
// and the storeThenDrop failure rule. Real HTTP on 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type AxonPushApiVersion, type LocalReceiver } from "../src/receiver/index.js";
import { CHILD, errorShape, headersFor, KEY, logEvent, problemWords, ROOT, send, spanEvent, TENANT, TRACE } from "./receiver-requests.js";

const VERSIONS: AxonPushApiVersion[] = ["go", "go-dev", "nest"];
const GO_LIKE: AxonPushApiVersion[] = ["go", "go-dev"];

/** A receiver of `api` for the enclosing describe, emptied after each test. */
function receiverOf(api: AxonPushApiVersion, options: { channels?: string[] } = {}) {
  let started: LocalReceiver | undefined;
  beforeAll(async () => {
    started = await startLocalReceiver({ api, apiKey: KEY, tenantId: TENANT, ...options });
  });
  afterEach(() => started?.reset());
  afterAll(() => started?.close());
  return () => started!;
}

describe("the default version", () => {
  it("is go, the production API; an unknown name is refused before anything listens", async () => {
    const local = await startLocalReceiver();
    try {
      expect(local.api).toBe("go");
      const answer = await send(local.url, { headers: headersFor("go"), body: spanEvent() });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ eventId: expect.any(String), status: "queued" });
    } finally {
      await local.close();
    }
    await expect(startLocalReceiver({ api: "nest-v2" as AxonPushApiVersion })).rejects.toThrow(/api must be one of go, go-dev, nest/);
  });
});

describe.each(VERSIONS)("%s: an accepted span event", (api) => {
  const receiver = receiverOf(api);

  it("is stored with its span and answered with the version's status and shape", async () => {
    const answer = await send(receiver().url, { headers: headersFor(api, { "idempotency-key": "key-1" }), body: spanEvent() });
    if (api === "nest") {
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.any(String),
        eventId: expect.any(String),
        identifier: "GET /users",
        dedupKey: "key-1",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        queued: true,
      });
    } else {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ eventId: expect.any(String), status: "queued" });
    }
    expect(receiver().api).toBe(api);
    expect(receiver().events).toHaveLength(1);
    expect(receiver().events[0]!.idempotencyKey).toBe("key-1");
    expect(receiver().spans()).toEqual([expect.objectContaining({ traceId: TRACE, spanId: CHILD, parentSpanId: ROOT, via: "event" })]);
    expect(receiver().rejections).toEqual([]);
  });

  it("accepts every property all versions declare (agentId, sync, metadata)", async () => {
    const answer = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ agentId: "agent-1", sync: true }) });
    expect(answer.status).toBe(api === "nest" ? 201 : 200);
    if (api === "nest") expect(answer.body.queued).toBe(false);
  });

  it("accepts a public token (pt_…) in X-Public-Token alone", async () => {
    const local = await startLocalReceiver({ api, apiKey: "pt_public" });
    try {
      const headers = { "x-public-token": "pt_public", "x-tenant-id": TENANT, "content-type": "application/json" };
      expect((await send(local.url, { headers, body: spanEvent() })).status).toBe(api === "nest" ? 201 : 200);
      expect(local.rejections).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe.each(VERSIONS)("%s: body properties outside the common set", (api) => {
  const receiver = receiverOf(api);
  const accepted: Record<AxonPushApiVersion, string[]> = {
    nest: ["environment", "parentEventId"],
    go: ["dedupKey"],
    "go-dev": ["dedupKey", "occurredAt"],
  };
  const extras: Record<string, unknown> = {
    environment: "production",
    parentEventId: ROOT,
    dedupKey: `otel:${TRACE}:${CHILD}`,
    occurredAt: "2026-12-01T21:00:00.000Z",
    trace_id: TRACE,
  };

  it.each(Object.keys(extras))("%s is accepted only where declared, refused by name elsewhere", async (property) => {
    const answer = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ [property]: extras[property] }) });
    if (accepted[api].includes(property)) {
      expect(answer.status).toBe(api === "nest" ? 201 : 200);
      expect(receiver().events).toHaveLength(1);
      return;
    }
    expect(receiver().events).toEqual([]);
    if (api === "nest") {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: expect.any(String), message: `property ${property} should not exist`, requestId: expect.any(String) });
    } else {
      expect(answer.status).toBe(422);
      expect(answer.headers["content-type"]).toBe("application/problem+json");
      expect(answer.body).toEqual({
        type: "about:blank",
        title: "Unprocessable Entity",
        status: 422,
        detail: "validation failed",
        instance: "/event",
        errors: [{ location: `body.${property}`, message: "unexpected property", value: extras[property] }],
      });
    }
    expect(receiver().rejections).toEqual([{ status: answer.status, message: problemWords(answer.body) }]);
  });
});

describe.each(VERSIONS)("%s: channel_id and eventType", (api) => {
  const receiver = receiverOf(api);

  it(api === "nest" ? "requires channel_id (400 naming it)" : "takes a missing channel_id as the default channel", async () => {
    const answer = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ channel_id: undefined }) });
    if (api === "nest") {
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/^channel_id must be a non-empty string/);
    } else {
      expect(answer.status).toBe(200);
      expect(receiver().events[0]!.body).not.toHaveProperty("channel_id");
    }
  });

  it(api === "nest" ? "knows eventType as an enum" : "takes any non-empty eventType", async () => {
    const open = await send(receiver().url, { headers: headersFor(api), body: { identifier: "x", payload: {}, channel_id: "c", eventType: "billing.invoice" } });
    const known = [];
    for (const eventType of ["custom", "app.log", "agent.tool.call"]) {
      // An app.log payload is checked as the SDKs build it (validate-log-payload.ts): a valid one here.
      const body = eventType === "app.log" ? logEvent({ channel_id: "c", dedupKey: undefined }) : { identifier: "x", payload: {}, channel_id: "c", eventType };
      known.push((await send(receiver().url, { headers: headersFor(api), body })).status);
    }
    const empty = await send(receiver().url, { headers: headersFor(api), body: { identifier: "x", payload: {}, channel_id: "c", eventType: "" } });
    if (api === "nest") {
      expect(open.status).toBe(400);
      expect(open.body.message).toMatch(/eventType must be one of app.span, app.log, custom, agent\.\*/);
      expect(known).toEqual([201, 201, 201]);
      expect(empty.status).toBe(400);
    } else {
      expect(open.status).toBe(200);
      expect(known).toEqual([200, 200, 200]);
      expect(empty.status).toBe(422);
      expect(problemWords(empty.body)).toMatch(/body.eventType must be a non-empty string/);
    }
    expect(receiver().spans()).toEqual([]); // none of them is an app.span
  });
});

describe.each(VERSIONS)("%s: headers", (api) => {
  const receiver = receiverOf(api);
  const json = { "content-type": "application/json" };
  const cases: [string, Record<string, string>, Record<AxonPushApiVersion, number>, RegExp | undefined][] = [
    ["no key at all", { ...json, "x-tenant-id": TENANT }, { nest: 401, go: 401, "go-dev": 401 }, /missing/],
    ["the key in x-axonpush-api-key only", { ...json, "x-axonpush-api-key": KEY, "x-tenant-id": TENANT }, { nest: 401, go: 200, "go-dev": 200 }, /X-API-Key/],
    ["the key in X-API-Key only", { ...json, "x-api-key": KEY, "x-tenant-id": TENANT }, { nest: 201, go: 200, "go-dev": 200 }, undefined],
    ["another key", { ...headersFor(api), "x-api-key": "ak_wrong_secret", "x-axonpush-api-key": "ak_wrong_secret" }, { nest: 401, go: 401, "go-dev": 401 }, /invalid API key/],
    ["a secret key in X-Public-Token", { ...json, "x-public-token": KEY, "x-tenant-id": TENANT }, { nest: 401, go: 401, "go-dev": 401 }, /X-Public-Token/],
    ["a public token in X-API-Key", { ...headersFor(api), "x-api-key": "pt_x", "x-axonpush-api-key": "pt_x" }, { nest: 401, go: 401, "go-dev": 401 }, /X-Public-Token/],
    ["no x-tenant-id", { ...json, "x-api-key": KEY, "x-axonpush-api-key": KEY }, { nest: 400, go: 200, "go-dev": 200 }, /x-tenant-id/],
    ["another tenant", { ...headersFor(api), "x-tenant-id": "tenant_other" }, { nest: 403, go: 200, "go-dev": 200 }, /tenant/],
    ["a text Content-Type", { ...headersFor(api), "content-type": "text/plain" }, { nest: 400, go: 415, "go-dev": 415 }, /Content-Type/],
    ["an Idempotency-Key of 256 characters", headersFor(api, { "idempotency-key": "k".repeat(256) }), { nest: 400, go: 200, "go-dev": 200 }, /Idempotency-Key/],
    ["an Idempotency-Key with a tab", headersFor(api, { "idempotency-key": "a\tb" }), { nest: 400, go: 200, "go-dev": 200 }, /Idempotency-Key/],
  ];

  it.each(cases)("%s", async (_what, headers, statuses, words) => {
    const answer = await send(receiver().url, { headers, body: spanEvent() });
    const status = statuses[api];
    expect(answer.status).toBe(status);
    if (status < 300) {
      expect(receiver().rejections).toEqual([]);
      return;
    }
    expect(answer.body).toEqual(errorShape(api, answer));
    expect(problemWords(answer.body)).toMatch(words!);
    expect(JSON.stringify(answer.body)).not.toContain("secret");
    expect(receiver().events).toEqual([]);
    expect(receiver().rejections).toEqual([{ status, message: problemWords(answer.body) }]);
  });

  if (api === "nest") {
    it("names AXONPUSH_TENANT_ID in the hint for a missing tenant, AXONPUSH_API_KEY for a missing key", async () => {
      const noTenant = await send(receiver().url, { headers: { ...json, "x-api-key": KEY }, body: spanEvent() });
      expect(noTenant.body.hint).toMatch(/AXONPUSH_TENANT_ID/);
      const noKey = await send(receiver().url, { headers: { ...json, "x-tenant-id": TENANT }, body: spanEvent() });
      expect(noKey.body.hint).toMatch(/AXONPUSH_API_KEY/);
    });
  }
});

describe.each(VERSIONS)("%s: validation of the body and the app.span payload", (api) => {
  const receiver = receiverOf(api);
  const body = api === "nest" ? 400 : 422;
  const bad: [string, { body?: unknown; raw?: string }, number, string][] = [
    ["invalid JSON", { raw: "{nope" }, 400, "JSON"],
    ["array body", { body: [spanEvent()] }, body, "body"],
    ["missing identifier", { body: spanEvent({ identifier: undefined }) }, body, "identifier"],
    ["numeric identifier", { body: spanEvent({ identifier: 5 }) }, body, "identifier"],
    ["missing payload", { body: spanEvent({ payload: undefined }) }, body, "payload"],
    ["array payload", { body: spanEvent({ payload: [] }) }, body, "payload"],
    ["numeric channel_id", { body: spanEvent({ channel_id: 42 }) }, body, "channel_id"],
    ["uppercase traceId", { body: spanEvent({ traceId: TRACE.toUpperCase() }) }, body, "traceId"],
    ["short spanId", { body: spanEvent({ spanId: "abc" }) }, body, "spanId"],
    ["short parentSpanId", { body: spanEvent({ parentSpanId: "abc" }) }, body, "parentSpanId"],
    ["string sync", { body: spanEvent({ sync: "true" }) }, body, "sync"],
    ["array metadata", { body: spanEvent({ metadata: [] }) }, body, "metadata"],
    ["numeric agentId", { body: spanEvent({ agentId: 5 }) }, body, "agentId"],
    ["span without traceId", { body: spanEvent({ traceId: undefined }) }, 422, "traceId"],
    ["span without spanId", { body: spanEvent({ spanId: undefined }) }, 422, "spanId"],
    ["identifier is not the span name", { body: spanEvent({ identifier: "other" }) }, 422, "identifier"],
    ["child without the top-level parentSpanId", { body: spanEvent({ parentSpanId: undefined }) }, 422, "parentSpanId"],
    ["top-level parentSpanId differs from the payload's", { body: spanEvent({ parentSpanId: "3".repeat(16) }) }, 422, "parentSpanId"],
    ["root with a top-level parentSpanId", { body: spanEvent({}, { parentSpanId: undefined }) }, 422, "parentSpanId"],
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
    ["null payload.parentSpanId", { body: spanEvent({ parentSpanId: undefined }, { parentSpanId: null }) }, 422, "parentSpanId"],
    ["numeric event time", { body: spanEvent({}, { events: [{ name: "e", timeUnixNano: 5 }] }) }, 422, "payload.events[0].timeUnixNano"],
    ["bad link traceId", { body: spanEvent({}, { links: [{ traceId: "x", spanId: ROOT }] }) }, 422, "payload.links[0].traceId"],
    ["scope without name", { body: spanEvent({}, { scope: { version: "1" } }) }, 422, "payload.scope.name"],
  ];

  it.each(bad)("%s → %i naming the problem", async (_name, request, status, mention) => {
    const answer = await send(receiver().url, { headers: headersFor(api), ...request });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(errorShape(api, answer));
    expect(problemWords(answer.body)).toContain(mention);
    if (api !== "nest" && answer.body.errors) expect(answer.body.errors[0].location).toContain(mention.split(/[[.]/)[0]);
    expect(receiver().events).toEqual([]);
    expect(receiver().rejections).toEqual([{ status, message: problemWords(answer.body) }]);
  });

  if (api === "nest") {
    it("parentEventId, when sent, must be the parent span id", async () => {
      const answer = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ parentEventId: "3".repeat(16) }) });
      expect(answer.status).toBe(422);
      expect(answer.body.message).toMatch(/^parentEventId must be the parent span id/);
    });
  }
  if (api === "go-dev") {
    it("occurredAt must be a date-time", async () => {
      const answer = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ occurredAt: "yesterday" }) });
      expect(answer.status).toBe(422);
      expect(problemWords(answer.body)).toMatch(/body.occurredAt must be an RFC 3339 date-time/);
    });
  }
});

describe("nest: duplicates by Idempotency-Key", () => {
  const receiver = receiverOf("nest");
  const headers = headersFor("nest", { "idempotency-key": "retry-me" });

  it("replays the cached answer for the same key and body, storing the event once", async () => {
    const first = await send(receiver().url, { headers, body: spanEvent() });
    const second = await send(receiver().url, { headers, body: spanEvent() });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(first.body.duplicate).toBeUndefined();
    expect(second.body).toEqual({ ...first.body, duplicate: true });
    const other = await send(receiver().url, { headers: { ...headers, "idempotency-key": "another" }, body: spanEvent() });
    expect(other.body.eventId).not.toBe(first.body.eventId);
    expect(receiver().events).toHaveLength(2);
    expect(receiver().spans()).toHaveLength(2);
  });

  it("refuses the same key with a different body (422 idempotency_error), storing nothing more", async () => {
    expect((await send(receiver().url, { headers, body: spanEvent() })).status).toBe(201);
    const reused = await send(receiver().url, { headers, body: spanEvent({ metadata: { other: "body" } }) });
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({
      code: "idempotency_error",
      message: 'Idempotency-Key "retry-me" was used with a different request body',
      requestId: expect.any(String),
    });
    expect(receiver().events).toHaveLength(1);
    expect(receiver().rejections).toEqual([{ status: 422, message: reused.body.message }]);
  });

  it("keeps a key bound to a refused body: the body without the refused property needs a new key", async () => {
    const refused = await send(receiver().url, { headers, body: spanEvent({ dedupKey: "d" }) });
    expect(refused.status).toBe(400);
    expect((await send(receiver().url, { headers, body: spanEvent() })).status).toBe(422);
    expect((await send(receiver().url, { headers: { ...headers, "idempotency-key": "fresh" }, body: spanEvent() })).status).toBe(201);
    expect(receiver().events).toHaveLength(1);
  });

  it("the same body in another property order is the same request", async () => {
    const body = spanEvent();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    await send(receiver().url, { headers, body });
    expect((await send(receiver().url, { headers, body: reordered })).body.duplicate).toBe(true);
    expect(receiver().events).toHaveLength(1);
  });

  it("stores events without a key every time (nothing to recognise them by)", async () => {
    await send(receiver().url, { headers: headersFor("nest"), body: spanEvent() });
    await send(receiver().url, { headers: headersFor("nest"), body: spanEvent() });
    expect(receiver().events).toHaveLength(2);
  });
});

describe.each(GO_LIKE)("%s: duplicates by dedupKey", (api) => {
  const receiver = receiverOf(api);
  const dedupKey = `otel:${TRACE}:${CHILD}`;

  it("collapses events sharing a dedupKey: stored once, answered 200 with the first eventId", async () => {
    const first = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ dedupKey }) });
    const second = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ dedupKey, metadata: { try: "2" } }) });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ eventId: first.body.eventId, status: "duplicate" });
    const other = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ dedupKey: `${dedupKey}x` }) });
    expect(other.body.eventId).not.toBe(first.body.eventId);
    expect(receiver().events).toHaveLength(2);
    expect(receiver().spans()).toHaveLength(2);
    expect(receiver().rejections).toEqual([]);
  });

  it("ignores Idempotency-Key: the same key twice without a dedupKey is stored twice", async () => {
    const headers = headersFor(api, { "idempotency-key": "same" });
    await send(receiver().url, { headers, body: spanEvent() });
    const again = await send(receiver().url, { headers, body: spanEvent({ metadata: { different: "body" } }) });
    expect(again.status).toBe(200);
    expect(receiver().events).toHaveLength(2);
  });

  it("reset() forgets dedupKeys", async () => {
    await send(receiver().url, { headers: headersFor(api), body: spanEvent({ dedupKey }) });
    receiver().reset();
    expect((await send(receiver().url, { headers: headersFor(api), body: spanEvent({ dedupKey }) })).body.status).toBe("queued");
    expect(receiver().events).toHaveLength(1);
  });
});

describe.each(VERSIONS)("%s: the channels option", (api) => {
  const receiver = receiverOf(api, { channels: ["ch_1", "ch_2"] });

  it("answers 404 for a channel_id not in the list, in the version's shape, and accepts the listed ones", async () => {
    const unknown = await send(receiver().url, { headers: headersFor(api), body: spanEvent({ channel_id: "ch_9" }) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(errorShape(api, unknown));
    expect(problemWords(unknown.body)).toBe('channel "ch_9" not found');
    if (api === "nest") expect(unknown.body.hint).toMatch(/AXONPUSH_CHANNEL_ID/);
    expect((await send(receiver().url, { headers: headersFor(api), body: spanEvent({ channel_id: "ch_2" }) })).status).toBe(api === "nest" ? 201 : 200);
    expect(receiver().events).toHaveLength(1);
    expect(receiver().rejections).toEqual([{ status: 404, message: 'channel "ch_9" not found' }]);
  });
});

describe.each(VERSIONS)("%s: failure rules", (api) => {
  const receiver = receiverOf(api);
  const ok = api === "nest" ? 201 : 200;

  it("answers an injected status in the version's error shape, without recording a rejection", async () => {
    receiver().failNext({ status: 503, retryAfter: "1" });
    const failed = await send(receiver().url, { headers: headersFor(api), body: spanEvent() });
    expect(failed.status).toBe(503);
    expect(failed.headers["retry-after"]).toBe("1");
    expect(failed.body).toEqual(errorShape(api, failed));
    expect(problemWords(failed.body)).toBe("injected failure (status 503)");
    expect(receiver().rejections).toEqual([]);
  });

  it("storeThenDrop stores the event, then cuts the connection; the retry is recognised and not stored again", async () => {
    const headers = headersFor(api, { "idempotency-key": "cut-off" });
    const body = spanEvent(api === "nest" ? {} : { dedupKey: `otel:${TRACE}:${CHILD}` });
    receiver().failNext({ storeThenDrop: true });
    await expect(send(receiver().url, { headers, body })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(receiver().events).toHaveLength(1);
    expect(receiver().spans()).toHaveLength(1);
    const retry = await send(receiver().url, { headers, body });
    expect(retry.status).toBe(ok);
    expect(api === "nest" ? retry.body.duplicate : retry.body.status).toBe(api === "nest" ? true : "duplicate");
    expect(receiver().events).toHaveLength(1);
    expect(receiver().requestCount).toBe(2);
  });

  it("storeThenDrop on a refused request stores nothing and still cuts the connection", async () => {
    receiver().failNext({ storeThenDrop: true });
    await expect(send(receiver().url, { headers: headersFor(api), body: spanEvent({ identifier: 5 }) })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(receiver().events).toEqual([]);
    expect(receiver().rejections).toHaveLength(1);
  });

  it("answers an unknown route 404 in the version's shape", async () => {
    const answer = await send(receiver().url, { path: "/events", headers: headersFor(api), body: spanEvent() });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual(errorShape(api, answer, "/events"));
  });
});
