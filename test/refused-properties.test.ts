// Units of "refused by name, sent again without it": reading a refusal in both
// API shapes, bodies in pieces, and the transport that resends.
import { describe, expect, it } from "vitest";
import { errorMessageFrom } from "../src/transport/classify.js";
import { variantKey, withoutRefused } from "../src/transport/optional-properties.js";
import { refusedPropertyNames } from "../src/transport/property-refusal.js";
import { refusalsOf } from "../src/transport/refused-properties.js";
import { RefusedPropertyTransport } from "../src/transport/refused-property-transport.js";
import type { OutgoingRequest, SendResult, Transport } from "../src/transport/types.js";
import { eventToRequest } from "../src/exporter/serialize.js";
import type { AppSpanEvent } from "../src/exporter/event-types.js";

const problem = (errors: object[]) => JSON.stringify({ type: "about:blank", title: "Unprocessable Entity", status: 422, detail: "validation failed", errors });

describe("refusedPropertyNames", () => {
  it("reads the first backend's 400, as a string or a list", () => {
    expect(refusedPropertyNames(400, JSON.stringify({ code: "validation_failed", message: "property dedupKey should not exist" }))).toEqual(["dedupKey"]);
    expect(
      refusedPropertyNames(400, JSON.stringify({ message: ["property dedupKey should not exist", "property occurredAt should not exist"] })),
    ).toEqual(["dedupKey", "occurredAt"]);
  });

  it("reads the current API's 422 problem+json", () => {
    expect(refusedPropertyNames(422, problem([{ location: "body.environment", message: "unexpected property", value: "x" }]))).toEqual(["environment"]);
  });

  it("names nothing when anything else is wrong too, or the answer is something else", () => {
    const mixed = problem([
      { location: "body.dedupKey", message: "unexpected property" },
      { location: "body.identifier", message: "expected length >= 1" },
    ]);
    expect(refusedPropertyNames(422, mixed)).toEqual([]);
    expect(refusedPropertyNames(400, JSON.stringify({ message: ["property dedupKey should not exist", "identifier must be a string"] }))).toEqual([]);
    expect(refusedPropertyNames(422, problem([{ location: "body.metadata.x", message: "unexpected property" }]))).toEqual([]);
    expect(refusedPropertyNames(422, problem([{ location: "body.traceId", message: "expected string matching ^[0-9a-f]{32}$" }]))).toEqual([]);
    expect(refusedPropertyNames(404, JSON.stringify({ message: "property dedupKey should not exist" }))).toEqual([]);
    expect(refusedPropertyNames(400, "property dedupKey should not exist")).toEqual([]);
    expect(refusedPropertyNames(400, JSON.stringify({ message: "missing x-tenant-id header" }))).toEqual([]);
  });
});

describe("errorMessageFrom", () => {
  it("reads both error shapes in the server's own words", () => {
    expect(errorMessageFrom(400, JSON.stringify({ code: "bad_request", message: "missing x-tenant-id header", hint: "set AXONPUSH_TENANT_ID" }))).toBe(
      "HTTP 400: missing x-tenant-id header (set AXONPUSH_TENANT_ID)",
    );
    expect(errorMessageFrom(422, problem([{ location: "body.dedupKey", message: "unexpected property" }, { location: "body.x", message: "y" }]))).toBe(
      "HTTP 422: validation failed (body.dedupKey: unexpected property and 1 more)",
    );
    expect(errorMessageFrom(404, JSON.stringify({ title: "Not Found", status: 404 }))).toBe("HTTP 404: Not Found");
    expect(errorMessageFrom(500, "")).toBe("HTTP 500");
  });
});

const event: AppSpanEvent = {
  identifier: "GET /",
  payload: { name: "GET /" } as AppSpanEvent["payload"],
  channel_id: "ch_1",
  eventType: "app.span",
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  parentSpanId: "00f067aa0ba902b7",
  metadata: { framework: "opentelemetry", "axonpush.parent_event_id": "00f067aa0ba902b7" },
  dedupKey: "otel:0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331",
};

describe("bodies without refused properties", () => {
  it("serialises the event as it is, and rebuilds it without a refused property under a derived key", () => {
    const request = eventToRequest(event);
    expect(request.body).toBe(JSON.stringify(event));
    expect(request.optional).toEqual({ names: ["traceId", "spanId", "parentSpanId", "metadata", "dedupKey"], baseKey: request.idempotencyKey, leftOut: [] });
    const { dedupKey: _left, ...withoutDedup } = event;
    const without = withoutRefused(request, new Set(["dedupKey"]));
    expect(without.body).toBe(JSON.stringify(withoutDedup));
    expect(without.idempotencyKey).toBe(`${request.idempotencyKey}~without-dedupKey`);
    expect(without.idempotencyKey).toMatch(/^[\x20-\x7e]{1,255}$/);
    // Nothing to leave out: the very same request.
    expect(withoutRefused(request, new Set(["environment"]))).toBe(request);
    expect(withoutRefused(without, new Set(["dedupKey"]))).toBe(without);
  });

  it("derives the same key and body whatever order the refusals came in", () => {
    const request = eventToRequest(event);
    const a = withoutRefused(withoutRefused(request, new Set(["dedupKey"])), new Set(["dedupKey", "metadata"]));
    const b = withoutRefused(request, new Set(["metadata", "dedupKey"]));
    expect(a.idempotencyKey).toBe(b.idempotencyKey);
    expect(a.body).toBe(b.body);
    expect(variantKey("k", ["metadata", "dedupKey"])).toBe("k~without-metadata-dedupKey");
  });

  it("leaves out from the start what the server already refused, with the very body a rebuild would give", () => {
    const request = eventToRequest(event, new Set(["dedupKey"]));
    expect(JSON.parse(request.body as string)).not.toHaveProperty("dedupKey");
    expect(request.optional?.leftOut).toEqual(["dedupKey"]);
    expect(request.idempotencyKey).toBe(`${request.optional!.baseKey}~without-dedupKey`);
    expect(request.body).toBe(withoutRefused(eventToRequest(event), new Set(["dedupKey"])).body);
  });
});

/**
 * Answers like a server that does not declare `refused`: 400 naming them (only the first when
 * `oneAtATime`, as a server checking one rule at a time), 201 otherwise.
 */
function serverRefusing(refused: string[], oneAtATime = false) {
  const seen: OutgoingRequest[] = [];
  const transport: Transport = {
    async send(request) {
      seen.push(request);
      await new Promise((resolve) => setImmediate(resolve));
      const body = JSON.parse(request.body as string) as Record<string, unknown>;
      const present = refused.filter((name) => name in body);
      const named = oneAtATime ? present.slice(0, 1) : present;
      const result: SendResult =
        named.length > 0
          ? { kind: "failure", status: 400, message: `HTTP 400: property ${named[0]} should not exist`, refusedProperties: named }
          : { kind: "success", status: 201 };
      return result;
    },
    close() {},
  };
  return { transport, seen };
}

let servers = 0;
const freshServer = () => refusalsOf(`http://127.0.0.1:1/unit-${++servers}-${Date.now()}`);

describe("RefusedPropertyTransport", () => {
  it("sends again without a refused optional property, under a new key, and remembers it for the server", async () => {
    const refusals = freshServer();
    const server = serverRefusing(["dedupKey"]);
    const transport = new RefusedPropertyTransport(server.transport, refusals);
    const request = eventToRequest(event);
    expect(await transport.send(request)).toEqual({ kind: "success", status: 201 });
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]!.idempotencyKey).not.toBe(request.idempotencyKey);
    expect(JSON.parse(server.seen[1]!.body as string)).not.toHaveProperty("dedupKey");
    expect([...refusals.names]).toEqual(["dedupKey"]);
    // Later requests go without it at once.
    await transport.send(eventToRequest(event));
    expect(server.seen).toHaveLength(3);
  });

  it("many requests refused at once: each sent again exactly once, none lost", async () => {
    const server = serverRefusing(["dedupKey"]);
    const transport = new RefusedPropertyTransport(server.transport, freshServer());
    const requests = Array.from({ length: 50 }, () => eventToRequest(event));
    const results = await Promise.all(requests.map((request) => transport.send(request)));
    expect(results.every((result) => result.kind === "success")).toBe(true);
    expect(server.seen).toHaveLength(100);
    const resent = server.seen.filter((request) => !(request.body as string).includes("dedupKey"));
    expect(new Set(resent.map((request) => request.idempotencyKey)).size).toBe(50);
  });

  it("drops one property after the other when a server refuses two", async () => {
    const server = serverRefusing(["dedupKey", "metadata"], true);
    const transport = new RefusedPropertyTransport(server.transport, freshServer());
    expect((await transport.send(eventToRequest(event))).kind).toBe("success");
    expect(server.seen).toHaveLength(3);
  });

  it("reports a refusal of a property it may not leave out, or of one it does not send, as it is", async () => {
    for (const refused of ["channel_id", "environment"]) {
      const answer: SendResult = { kind: "failure", status: 422, message: `HTTP 422: body.${refused}: unexpected property`, refusedProperties: [refused] };
      let tries = 0;
      const transport = new RefusedPropertyTransport(
        { send: async () => (tries++, answer), close() {} },
        freshServer(),
      );
      expect(await transport.send(eventToRequest(event))).toBe(answer);
      expect(tries).toBe(1);
    }
  });
});
