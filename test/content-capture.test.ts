// AXONPUSH_CONTENT_CAPTURE and the key rules, case by case against what
// AxonPush's own SDKs do with the same value (their `redactTelemetry` /
// `redact_telemetry`: packages/typescript/src/redaction.ts and
// packages/python/src/axonpush/_redaction.py of axonpush/sdks, read through
// the project's search tool). Each row is one input, one mode, and what the
// SDKs send for it. Where the two SDKs disagree (`redacted`: the Python SDK
// previews content at 256 characters, the TypeScript one sends it whole), we
// follow the Python one, whose preview length is the server's. Where we are
// stricter, or cut differently, the row says so.
import * as semconv from "@opentelemetry/semantic-conventions";
import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { describe, expect, it } from "vitest";
import { AxonPushClient } from "../src/client.js";
import { preparer } from "./helpers/prepare.js";
import type { ContentCaptureMode } from "../src/exporter/content-capture.js";
import { createOtlpSpanViewer } from "../src/exporter/otlp-span-view.js";
import { createPrivacy, redactTelemetry } from "../src/exporter/privacy.js";
import { createResourceMapper } from "../src/exporter/resource.js";
import { makeSpan } from "./mapping-fixture.js";

const R = "[REDACTED]";
const x = (n: number) => "x".repeat(n);
const preview = (text: string) => `${text.slice(0, 256)}…[REDACTED_PREVIEW]`;

interface Row {
  readonly what: string;
  readonly mode: ContentCaptureMode;
  readonly input: Record<string, unknown>;
  readonly sdk: Record<string, unknown>;
  readonly redactKeys?: string[];
  readonly maxContentLength?: number;
}

const CONTENT_KEYS = [
  "prompt",
  "prompts",
  "Prompt",
  "message",
  "messages",
  "completion",
  "completions",
  "input",
  "output",
  "response",
  "tool_arguments",
  "tool-argument",
  "tool.arguments",
  "toolarguments",
  "tool_result",
  "tool_results",
  "tool_output",
  "retrieval_documents",
  "retrieval.document",
  "retrieval_content",
  "gen_ai.prompt",
  "gen_ai.completion",
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "llm.prompts",
  "llm.content.prompt",
  "ai.response",
  "AI.Input.Messages",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.tool.arguments",
  "llm.tool.results",
  "ai.tool.call.output",
];

/** Metadata, not content: the SDKs' rule matches whole keys only. */
const METADATA_KEYS = [
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.output_tokens",
  "gen_ai.request.model",
  "gen_ai.response.model",
  "gen_ai.response.id",
  "gen_ai.response.finish_reasons",
  "gen_ai.output.type",
  "gen_ai.prompt.name",
  "prompt_tokens",
  "input_tokens",
  "http.response.status_code",
  "http.response.body.size",
  "messaging.message.id",
  "user_input",
  "prompt.template",
  // Caught by neither SDK (not whole content keys): the Vercel AI SDK's own names.
  "ai.prompt.messages",
  "ai.response.text",
];

/** Secret-shaped keys the SDKs redact in every mode. */
const SECRET_KEYS = [
  "authorization",
  "Authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "password",
  "passwd",
  "secret",
  "client_secret",
  "api_key",
  "api-key",
  "api.key",
  "apikey",
  "apiKey",
  "access_token",
  "access-token",
  "access.token",
  "accessToken",
  "refresh_token",
  "refreshtoken",
  "private_key",
  "private.key",
  "privateKey",
];

const MODES: readonly ContentCaptureMode[] = ["metadata_only", "redacted", "full"];

const ROWS: Row[] = [
  ...CONTENT_KEYS.map((key): Row => ({ what: `content key ${key}`, mode: "metadata_only", input: { [key]: "Hello there" }, sdk: { [key]: R } })),
  ...CONTENT_KEYS.flatMap((key): Row[] => [
    { what: `content key ${key}, short`, mode: "redacted", input: { [key]: "Hello there" }, sdk: { [key]: "Hello there" } },
    { what: `content key ${key}`, mode: "full", input: { [key]: "Hello there" }, sdk: { [key]: "Hello there" } },
  ]),
  ...METADATA_KEYS.flatMap((key) =>
    MODES.map((mode): Row => ({ what: `metadata key ${key}`, mode, input: { [key]: "kept" }, sdk: { [key]: "kept" } })),
  ),
  ...SECRET_KEYS.flatMap((key) =>
    MODES.map((mode): Row => ({ what: `secret key ${key}`, mode, input: { [key]: "s3cr3t" }, sdk: { [key]: R } })),
  ),
  // Any value type under a content key.
  { what: "a number under a content key", mode: "metadata_only", input: { output: 42 }, sdk: { output: R } },
  { what: "an object under a content key", mode: "metadata_only", input: { messages: [{ role: "user", content: "hi" }] }, sdk: { messages: R } },
  { what: "a number under a content key", mode: "redacted", input: { output: 42 }, sdk: { output: 42 } },
  // Nested, as in a log record's body.
  {
    what: "content nested in metadata",
    mode: "metadata_only",
    input: { request: { id: 7, prompt: "secret plan", model: "m" }, items: [{ output: "o" }, { name: "n" }] },
    sdk: { request: { id: 7, prompt: R, model: "m" }, items: [{ output: R }, { name: "n" }] },
  },
  // redacted: a preview of CONTENT_PREVIEW_LENGTH (256) characters, inherited by what a content key holds.
  { what: "long content", mode: "redacted", input: { prompt: x(300) }, sdk: { prompt: preview(x(300)) } },
  { what: "content of exactly 256 characters", mode: "redacted", input: { prompt: x(256) }, sdk: { prompt: x(256) } },
  {
    what: "long strings inside content, a secret inside content",
    mode: "redacted",
    input: { messages: [{ role: "user", content: x(300), api_key: "k" }] },
    sdk: { messages: [{ role: "user", content: preview(x(300)), api_key: R }] },
  },
  { what: "long metadata", mode: "redacted", input: { note: x(300) }, sdk: { note: x(300) } },
  { what: "long content", mode: "full", input: { prompt: x(300) }, sdk: { prompt: x(300) } },
  // AXONPUSH_MAX_CONTENT_LENGTH cuts everything, and names itself when it is the shorter limit.
  // (The SDKs mark a cut "…[TRUNCATED]"; ours says how much was cut.)
  {
    what: "a cut by AXONPUSH_MAX_CONTENT_LENGTH",
    mode: "full",
    maxContentLength: 10,
    input: { prompt: x(30), note: x(30) },
    sdk: { prompt: `${x(10)}…[truncated 20 chars]`, note: `${x(10)}…[truncated 20 chars]` },
  },
  {
    what: "content when AXONPUSH_MAX_CONTENT_LENGTH is below the preview",
    mode: "redacted",
    maxContentLength: 100,
    input: { prompt: x(300) },
    sdk: { prompt: `${x(100)}…[truncated 200 chars]` },
  },
  // AXONPUSH_REDACT_KEYS: exact keys in any case in the SDKs (we also match them as dot-separated segments).
  ...MODES.map((mode): Row => ({ what: "AXONPUSH_REDACT_KEYS", mode, redactKeys: ["SSN"], input: { ssn: "1", Ssn: "2", name: "n" }, sdk: { ssn: R, Ssn: R, name: "n" } })),
];

describe("redactTelemetry: the SDKs' redaction, case by case", () => {
  it.each(ROWS)("$mode: $what", ({ mode, input, sdk, redactKeys, maxContentLength }) => {
    const privacy = createPrivacy({ contentCapture: mode, redactKeys, maxContentLength });
    expect(redactTelemetry(input, privacy)).toEqual(sdk);
  });

  it("never changes the value it is given", () => {
    const input = { request: { prompt: "p" }, list: [{ messages: ["m"] }] };
    const copy = structuredClone(input);
    redactTelemetry(input, createPrivacy());
    expect(input).toEqual(copy);
  });
});

// Span attributes are flat: the same rows whose values are attribute values,
// through both mappings (every value a string for /event; typed for OTLP).
const client = new AxonPushClient({ apiKey: "ak_test", baseUrl: "http://127.0.0.1:9" });
const FLAT_ROWS = ROWS.filter((row) => Object.values(row.input).every((v) => typeof v === "string" || typeof v === "number"));

function eventPayload(row: Row, attributes: Record<string, unknown>): any {
  const exporter = preparer({
    client,
    contentCapture: row.mode,
    redactKeys: row.redactKeys,
    maxContentLength: row.maxContentLength,
  });
  const span = makeSpan({ attributes: attributes as any, events: [{ name: "gen_ai.choice", time: [1, 0], attributes: attributes as any }] });
  return JSON.parse(exporter.prepare([span])[0]!.body as string).payload;
}

function otlpView(row: Row, attributes: Record<string, unknown>) {
  const privacy = createPrivacy({ contentCapture: row.mode, redactKeys: row.redactKeys, maxContentLength: row.maxContentLength });
  const span = makeSpan({ attributes: attributes as any, events: [{ name: "gen_ai.choice", time: [1, 0], attributes: attributes as any }] });
  return createOtlpSpanViewer(privacy, createResourceMapper({}, privacy))([span])[0]!;
}

describe("span and span event attributes, both transports", () => {
  it.each(FLAT_ROWS)("$mode: $what", (row) => {
    const asStrings = Object.fromEntries(Object.entries(row.sdk).map(([k, v]) => [k, String(v)]));
    const payload = eventPayload(row, row.input);
    expect(payload.attributes).toEqual(asStrings);
    expect(payload.events[0].attributes).toEqual(asStrings);
    const view = otlpView(row, row.input);
    expect(view.attributes).toEqual(row.sdk);
    expect(view.events[0]!.attributes).toEqual(row.sdk);
  });

  it("redacted: each string of an array attribute is previewed (OTLP keeps the array)", () => {
    const row: Row = { what: "", mode: "redacted", input: {}, sdk: {} };
    expect(otlpView(row, { "gen_ai.prompt": ["short", x(300)], count: 3 }).attributes).toEqual({
      "gen_ai.prompt": ["short", preview(x(300))],
      count: 3,
    });
  });

  it("the exporter's default is metadata_only, as the SDKs'", () => {
    const exporter = preparer({ client });
    const payload = JSON.parse(exporter.prepare([makeSpan({ attributes: { "gen_ai.prompt": "p", "gen_ai.request.model": "m" } })])[0]!.body as string).payload;
    expect(payload.attributes).toEqual({ "gen_ai.prompt": R, "gen_ai.request.model": "m" });
  });
});

describe("semantic-convention attributes", () => {
  const names = new Set<string>();
  for (const module of [semconv, incubating]) {
    for (const [exported, value] of Object.entries(module)) if (exported.startsWith("ATTR_") && typeof value === "string") names.add(value);
  }
  // The content attributes: the SDKs' rule catches the first seven, we add the last two.
  const CONTENT = [
    "gen_ai.completion",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.prompt",
    "gen_ai.retrieval.documents",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "gen_ai.retrieval.query.text",
    "gen_ai.system_instructions",
  ];

  it("under metadata_only, only the content attributes are redacted, of all the semantic conventions define", () => {
    expect(names.size).toBeGreaterThan(900);
    const privacy = createPrivacy({ contentCapture: "metadata_only" });
    const redacted = [...names].filter((name) => privacy.treatmentOf(name) !== "keep").sort();
    expect(redacted).toEqual([...CONTENT].sort());
  });

  it("under full, none is (the credential rule catches no semantic-convention attribute either)", () => {
    const privacy = createPrivacy({ contentCapture: "full" });
    expect([...names].filter((name) => privacy.treatmentOf(name) !== "keep")).toEqual([]);
  });
});
