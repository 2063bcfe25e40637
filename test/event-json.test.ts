import { describe, expect, it } from "vitest";
import { eventJson } from "../src/exporter/event-json.js";

const RESOURCE = { "service.name": "checkout", "process.command_args": '["node","--import","axonpush-otel/register","-e","say(\\"hi\\")"]', "host.name": "höst ✓" };

function spanEvent(name: string, attributes: Record<string, string>, resource: object = RESOURCE) {
  return {
    identifier: name,
    payload: { name, kind: "SERVER", attributes, startTimeUnixNano: "1", resource, traceId: "t", events: [{ name: "e", attributes }] },
    eventType: "app.span",
    dedupKey: "otel:t:s",
  };
}

describe("eventJson", () => {
  it("writes the very text JSON.stringify writes", () => {
    for (const event of [
      spanEvent("GET /users/:id", { "http.route": "/users/:id" }),
      spanEvent('quote " back \\ nul \u0000 line \n emoji 🚀 lone \ud800', { "a\u2028b": "\u001f" }),
      spanEvent("no resource", {}, undefined as unknown as object),
      { identifier: "null resource", payload: { resource: null }, eventType: "app.log" },
    ]) {
      expect(eventJson(event as never)).toBe(JSON.stringify(event));
    }
  });

  it("finds the resource's place even when a span's own strings look like the stand-in", () => {
    const lookalike = "\u0000axonpush-resource-00000000-0000-4000-8000-000000000000";
    const event = spanEvent(lookalike, { [lookalike]: lookalike, resource: JSON.stringify(lookalike) });
    expect(JSON.parse(eventJson(event))).toEqual(JSON.parse(JSON.stringify(event)));
    expect(eventJson(event)).toBe(JSON.stringify(event));
  });

  it("serialises a resource once, however many events carry it, and each resource as its own", () => {
    let serialised = 0;
    const counted = (attributes: Record<string, string>) =>
      Object.defineProperty({ ...attributes }, "toJSON", { enumerable: false, value: () => (serialised++, attributes) });
    const first = counted({ "service.name": "first" });
    const second = counted({ "service.name": "second" });
    const texts = [first, first, second, first, second].map((resource, n) => eventJson(spanEvent(`span ${n}`, {}, resource)));
    expect(serialised).toBe(2);
    expect(texts.map((text) => JSON.parse(text).payload.resource["service.name"])).toEqual(["first", "first", "second", "first", "second"]);
  });

  it("leaves the event as it found it, also when it cannot be serialised", () => {
    const event = spanEvent("ok", {});
    eventJson(event);
    expect(event.payload.resource).toBe(RESOURCE);
    const broken = spanEvent("big", { n: 1n as unknown as string });
    expect(() => eventJson(broken)).toThrow(TypeError);
    expect(broken.payload.resource).toBe(RESOURCE);
  });
});
