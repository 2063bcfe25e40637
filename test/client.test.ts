import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { AxonPushSpanExporter, type AxonPushSpanExporterOptions } from "../src/exporter/index.js";
import type { OutgoingRequest } from "../src/transport/types.js";

const request: OutgoingRequest = {
  path: "/event",
  contentType: "application/json",
  body: "{}",
  idempotencyKey: "key-1",
  spanCount: 1,
};

describe("AxonPushClient", () => {
  it("defaults to the production API, a 10 s timeout and 3 retries", () => {
    const client = new AxonPushClient({ apiKey: "ak", tenantId: "t" });
    expect(client.baseUrl).toBe("https://api.axonpush.xyz");
    expect(client.timeoutMs).toBe(10_000);
    expect(client.maxRetries).toBe(3);
  });

  it("takes its options and trims trailing slashes from the base URL", () => {
    const client = new AxonPushClient({
      apiKey: "ak",
      tenantId: "t",
      baseUrl: "http://127.0.0.1:4318/",
      timeoutMs: 500,
      maxRetries: 0,
    });
    expect(client.baseUrl).toBe("http://127.0.0.1:4318");
    expect(client.timeoutMs).toBe(500);
    expect(client.maxRetries).toBe(0);
  });

  it("falls back to defaults on nonsense numbers", () => {
    const client = new AxonPushClient({ apiKey: "ak", tenantId: "t", timeoutMs: Number.NaN, maxRetries: -1 });
    expect(client.timeoutMs).toBe(10_000);
    expect(client.maxRetries).toBe(3);
  });

  it("sends the key in both key headers, and x-tenant-id only when a tenant is set", () => {
    const client = new AxonPushClient({ apiKey: "ak_live_1", tenantId: "org_9" });
    expect(client.headersFor(request)).toEqual({
      "x-axonpush-api-key": "ak_live_1",
      "X-API-Key": "ak_live_1",
      "x-tenant-id": "org_9",
      "Content-Type": "application/json",
      "Idempotency-Key": "key-1",
    });
    expect(client.headersFor(request, "production")["X-Axonpush-Environment"]).toBe("production");
    for (const tenantId of [undefined, "", "  "]) {
      const keyOnly = new AxonPushClient({ apiKey: "ak_live_1", tenantId });
      expect(keyOnly.tenantId).toBeUndefined();
      expect(Object.keys(keyOnly.headersFor(request)).sort()).toEqual(["Content-Type", "Idempotency-Key", "X-API-Key", "x-axonpush-api-key"]);
    }
  });

  it("sends a public ingest token (pt_…) in X-Public-Token alone", () => {
    const client = new AxonPushClient({ apiKey: "pt_public_2" });
    const headers = client.headersFor(request);
    expect(headers["X-Public-Token"]).toBe("pt_public_2");
    expect(Object.keys(headers).sort()).toEqual(["Content-Type", "Idempotency-Key", "X-Public-Token"]);
  });

  it("adds the request's own headers without letting them replace the client's", () => {
    const client = new AxonPushClient({ apiKey: "ak_live_1", tenantId: "org_9" });
    const headers = client.headersFor({ ...request, headers: { "X-Axonpush-Channel": "ch_1", "X-API-Key": "forged" } });
    expect(headers["X-Axonpush-Channel"]).toBe("ch_1");
    expect(headers["X-API-Key"]).toBe("ak_live_1");
    expect(headers["x-axonpush-api-key"]).toBe("ak_live_1");
  });

  it("never shows the API key when inspected, serialised or logged", () => {
    const client = new AxonPushClient({ apiKey: "ak_live_super_secret", tenantId: "org_9" });
    expect(inspect(client, { showHidden: true, depth: 5 })).not.toContain("ak_live_super_secret");
    expect(JSON.stringify(client)).not.toContain("ak_live_super_secret");
    expect(String(Object.values(client))).not.toContain("ak_live_super_secret");
  });

  it("scrubs the key out of any text", () => {
    const client = new AxonPushClient({ apiKey: "ak_live_super_secret", tenantId: "org_9" });
    expect(client.scrubSecrets("key ak_live_super_secret is revoked")).toBe("key [REDACTED] is revoked");
  });
});

describe("AxonPushSpanExporter without a client", () => {
  it("says what it needs (as JavaScript callers get no type error), never showing a key given by mistake", () => {
    const withoutClient = () => new AxonPushSpanExporter({ apiKey: "ak_live_given_here" } as unknown as AxonPushSpanExporterOptions);
    expect(withoutClient).toThrow(TypeError);
    expect(withoutClient).toThrow("AxonPushSpanExporter needs a client: new AxonPushSpanExporter({ client: new AxonPushClient({ apiKey: process.env.AXONPUSH_API_KEY }) })");
    expect(() => new AxonPushSpanExporter(undefined as unknown as AxonPushSpanExporterOptions)).toThrow("needs a client");
    expect(() => new AxonPushSpanExporter({ client: new AxonPushClient({ apiKey: "ak_1" }) })).not.toThrow();
  });
});
