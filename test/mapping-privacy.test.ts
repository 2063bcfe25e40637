import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { preparer } from "./helpers/prepare.js";
import { createKeyRedactor, REDACTED } from "../src/exporter/redaction.js";
import { truncateString } from "../src/exporter/truncate.js";
import { makeSpan } from "./mapping-fixture.js";

const client = new AxonPushClient({ apiKey: "ak_test_secret", tenantId: "tenant_1", baseUrl: "http://127.0.0.1:9" });

function payloadOf(span = makeSpan(), options: { redactKeys?: string[]; maxContentLength?: number } = {}): any {
  const exporter = preparer({ client, channelId: "ch_1", ...options });
  return JSON.parse(exporter.prepare([span])[0]!.body as string).payload;
}

describe("default redaction", () => {
  it("replaces credential headers and fields with [REDACTED]", () => {
    const { attributes } = payloadOf(
      makeSpan({
        attributes: {
          "http.request.header.authorization": ["Bearer abc.def"],
          "http.request.header.cookie": ["session=xyz"],
          "http.response.header.set-cookie": ["session=xyz; HttpOnly"],
          "http.request.header.proxy-authorization": ["Basic Zm9vOmJhcg=="],
          "http.request.header.x-api-key": ["ak_live_123"],
          Authorization: "Bearer top-level",
          "db.password": "hunter2",
          "oauth.client_secret": "s3cr3t",
          "auth.access_token": "tok",
          "user.token": "tok2",
        },
      }),
    );
    for (const [key, value] of Object.entries(attributes)) expect(value, key).toBe(REDACTED);
    expect(JSON.stringify(Object.values(attributes))).not.toMatch(/abc\.def|xyz|Zm9v|ak_live|hunter2|s3cr3t|tok/);
  });

  it("leaves token counts and ordinary keys untouched", () => {
    const attributes = {
      prompt_tokens: 128,
      completion_tokens: 256,
      max_tokens: 1024,
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 20,
      "llm.token_count.total": 30,
      "http.request.header.accept": ["application/json"],
      "http.method": "POST",
      "db.statement": "SELECT * FROM users WHERE id=$1",
      "secretary.name": "Ada",
      "password_reset.requested": true,
    };
    const mapped = payloadOf(makeSpan({ attributes })).attributes;
    expect(mapped).toEqual({
      prompt_tokens: "128",
      completion_tokens: "256",
      max_tokens: "1024",
      "gen_ai.usage.input_tokens": "10",
      "gen_ai.usage.output_tokens": "20",
      "llm.token_count.total": "30",
      "http.request.header.accept": '["application/json"]',
      "http.method": "POST",
      "db.statement": "SELECT * FROM users WHERE id=$1",
      "secretary.name": "Ada",
      "password_reset.requested": "true",
    });
  });

  it("applies to event and link attributes too", () => {
    const payload = payloadOf(
      makeSpan({
        events: [{ name: "request", time: [1, 0], attributes: { "http.request.header.authorization": "Bearer x" } }],
        links: [
          {
            context: { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "53995c3f42cd8ad8", traceFlags: 1 },
            attributes: { cookie: "a=b" },
          },
        ],
      }),
    );
    expect(payload.events[0].attributes["http.request.header.authorization"]).toBe(REDACTED);
    expect(payload.links[0].attributes.cookie).toBe(REDACTED);
  });
});

describe("redactKeys option (AXONPUSH_REDACT_KEYS)", () => {
  it("adds keys, matched case-insensitively on whole dot segments", () => {
    const { attributes } = payloadOf(
      makeSpan({
        attributes: {
          "user.email": "ada@example.com",
          "app.user.email": "grace@example.com",
          "User.Email": "x@example.com",
          "user.email_verified": true,
          "customer.ssn": "123-45-6789",
          ssn_last4_count: 1,
        },
      }),
      { redactKeys: ["user.email", " ssn "] },
    );
    expect(attributes).toEqual({
      "user.email": REDACTED,
      "app.user.email": REDACTED,
      "User.Email": REDACTED,
      "user.email_verified": "true",
      "customer.ssn": REDACTED,
      ssn_last4_count: "1",
    });
  });

  it("keeps the defaults when extra keys are given", () => {
    const redact = createKeyRedactor(["user.email"]);
    expect(redact("http.request.header.authorization")).toBe(true);
    expect(redact("prompt_tokens")).toBe(false);
    expect(redact("")).toBe(false);
  });
});

describe("maxContentLength (AXONPUSH_MAX_CONTENT_LENGTH)", () => {
  it("cuts longer attribute values and marks how much was cut", () => {
    const { attributes } = payloadOf(
      makeSpan({ attributes: { "db.statement": "x".repeat(50), short: "y".repeat(10), list: ["a".repeat(20)] } }),
      { maxContentLength: 10 },
    );
    expect(attributes["db.statement"]).toBe(`${"x".repeat(10)}…[truncated 40 chars]`);
    expect(attributes.short).toBe("y".repeat(10));
    // Arrays are measured as the JSON text that is sent.
    expect(attributes.list).toBe(`["aaaaaaaa…[truncated 14 chars]`);
  });

  it("defaults to 4096 characters", () => {
    const { attributes } = payloadOf(makeSpan({ attributes: { a: "z".repeat(4096), b: "z".repeat(5000) } }));
    expect(attributes.a).toHaveLength(4096);
    expect(attributes.b.startsWith("z".repeat(4096))).toBe(true);
    expect(attributes.b.endsWith("…[truncated 904 chars]")).toBe(true);
  });

  it("cuts status messages and event attributes too, and never a redacted marker", () => {
    const payload = payloadOf(
      makeSpan({
        status: { code: SpanStatusCode.ERROR, message: "e".repeat(30) },
        events: [{ name: "log", time: [1, 0], attributes: { "exception.message": "m".repeat(30) } }],
        attributes: { "http.request.header.authorization": "Bearer " + "k".repeat(30) },
      }),
      { maxContentLength: 8 },
    );
    expect(payload.statusMessage).toBe(`${"e".repeat(8)}…[truncated 22 chars]`);
    expect(payload.events[0].attributes["exception.message"]).toBe(`${"m".repeat(8)}…[truncated 22 chars]`);
    expect(payload.attributes["http.request.header.authorization"]).toBe(REDACTED);
  });

  it("never splits a surrogate pair", () => {
    const cut = truncateString("ab😀cd", 3);
    expect(cut).toBe("ab…[truncated 4 chars]");
    expect(truncateString("abc", 3)).toBe("abc");
  });
});
