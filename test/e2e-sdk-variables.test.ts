// End to end, in real processes under the preload: the AXONPUSH_* variables
// AxonPush's own SDKs share mean the same here (AXONPUSH_ORG_ID,
// AXONPUSH_CONTENT_CAPTURE), and OTLP reaches a deployment that takes only
// JSON (the receiver's `otlp: "json-only"`), whether the process learns it
// from a refusal or is told with OTEL_EXPORTER_OTLP_PROTOCOL, the exit path
// included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver, type ReceivedSpan } from "../src/receiver/index.js";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS } from "./helpers/transports.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });
const nestReceiver = useSuiteReceiver({ api: "nest", apiKey: TEST_API_KEY, tenantId: TEST_TENANT });

let jsonOnly: LocalReceiver;
beforeAll(async () => {
  jsonOnly = await startLocalReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, otlp: "json-only" });
});
afterAll(() => jsonOnly.close());

async function runOnce(script: string, env: Record<string, string>, flag: "--import" | "--require" = "--import") {
  const app = await runFixture({ script, nodeArgs: [flag, "axonpush-otel/register"], env, waitForReady: false });
  const exit = await app.exited;
  return { app, exit };
}

describe("OTLP to a deployment that takes only JSON", () => {
  const OTLP = { AXONPUSH_TRANSPORT: "otlp" };

  it("learns from the first refusal: the whole trace arrives as JSON, no 415 once it knows, nothing printed", async () => {
    jsonOnly.reset();
    const app = await runFixture({
      script: "fixtures/express-esm/app.mjs",
      nodeArgs: ["--import", "axonpush-otel/register"],
      env: axonpushEnv(jsonOnly.url, OTLP),
    });
    expect(await (await fetch(`http://127.0.0.1:${app.port}/chain`)).json()).toEqual({ rows: 3 });
    const trace = await waitForTrace(jsonOnly, (s) => s.kind === "SERVER" && s.name === "GET /chain", 6);
    expectWholeTree(trace);
    expect(new Set(trace.map((s) => s.via))).toEqual(new Set(["otlp"]));
    expect(jsonOnly.events.every((e) => e.headers["content-type"] === "application/json")).toBe(true);
    // Each batch already on the wire when the first 415 came back is refused too (the otlp pool has 8 connections;
    // on a busy machine the batch processor can hand two batches over within that round trip), and sent again as JSON.
    const refused = jsonOnly.rejections.map((r) => r.status);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(8);
    expect(new Set(refused)).toEqual(new Set([415]));
    // Learnt: a later trace goes as JSON at once, with no refusal.
    await fetch(`http://127.0.0.1:${app.port}/chain`);
    const secondTrace = () => {
      const root = jsonOnly.spans().find((s) => s.kind === "SERVER" && s.name === "GET /chain" && s.traceId !== trace[0]!.traceId);
      return root ? jsonOnly.spans().filter((s) => s.traceId === root.traceId).length : 0;
    };
    await expect.poll(secondTrace, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    expect(jsonOnly.rejections).toHaveLength(refused.length);
    await app.kill();
    expect(app.stderr()).toBe("");
  });

  it("says so in one debug line with OTEL_LOG_LEVEL=debug", async () => {
    jsonOnly.reset();
    const { app, exit } = await runOnce("fixtures/privacy/content-app.cjs", axonpushEnv(jsonOnly.url, { ...OTLP, OTEL_LOG_LEVEL: "debug" }), "--require");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(jsonOnly.spans().map((s) => s.name)).toEqual(["chat gpt-4o"]);
    const lines = `${app.stdout()}\n${app.stderr()}`.split("\n").filter((line) => line.includes("refused OTLP protobuf"));
    expect(lines).toEqual([expect.stringContaining(`${jsonOnly.url} refused OTLP protobuf (HTTP 415); sending OTLP/JSON from now on, this batch included`)]);
  });

  it("OTEL_EXPORTER_OTLP_PROTOCOL=http/json: JSON from the first request, nothing refused", async () => {
    jsonOnly.reset();
    const { app, exit } = await runOnce("fixtures/privacy/content-app.cjs", axonpushEnv(jsonOnly.url, { ...OTLP, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }), "--require");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(jsonOnly.spans().map((s) => s.name)).toEqual(["chat gpt-4o"]);
    expect(jsonOnly.rejections).toEqual([]);
    expect(jsonOnly.requestCount).toBe(1);
    expect(app.stderr()).toBe("");
  });

  it("OTEL_EXPORTER_OTLP_PROTOCOL=http/json also makes the extra OTLP exporter (OTEL_TRACES_EXPORTER) send JSON", async () => {
    jsonOnly.reset();
    const headers = `x-api-key=${TEST_API_KEY},x-tenant-id=${TEST_TENANT},x-axonpush-channel=ch_otlp`;
    const env = axonpushEnv(jsonOnly.url, {
      ...OTLP,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${jsonOnly.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_HEADERS: headers,
    });
    const { app, exit } = await runOnce("fixtures/privacy/content-app.cjs", env, "--require");
    expect(exit).toEqual({ code: 0, signal: null });
    // Once from AxonPush's transport, once from the extra exporter (the same span, twice).
    expect(jsonOnly.spans().map((s) => s.name)).toEqual(["chat gpt-4o", "chat gpt-4o"]);
    expect(jsonOnly.events.map((e) => e.headers["content-type"])).toEqual(["application/json", "application/json"]);
    expect(jsonOnly.rejections).toEqual([]);
    expect(app.stderr()).toBe("");
  });

  it("a process that has learned JSON sends JSON at exit too: spans still buffered at process.exit arrive", async () => {
    jsonOnly.reset();
    const { app, exit } = await runOnce("fixtures/otlp-json/learn-then-exit.mjs", axonpushEnv(jsonOnly.url, OTLP));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.stdout()).toContain("FLUSHED");
    expect(jsonOnly.spans().map((s) => s.name).sort()).toEqual(["at-exit.1", "at-exit.2", "before-exit"]);
    // The one refusal taught the process; the exit-time sender (which cannot switch by itself) sent JSON.
    expect(jsonOnly.rejections.map((r) => r.status)).toEqual([415]);
    expect(app.stderr()).toBe("");
  });
});

describe("AXONPUSH_ORG_ID", () => {
  it("gives the tenant a first-generation (nest) AxonPush requires, when AXONPUSH_TENANT_ID is not set", async () => {
    const env = axonpushEnv(nestReceiver.url);
    delete env.AXONPUSH_TENANT_ID;
    const { app, exit } = await runOnce("fixtures/privacy/content-app.cjs", { ...env, AXONPUSH_ORG_ID: TEST_TENANT }, "--require");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(nestReceiver.spans().map((s) => s.name)).toEqual(["chat gpt-4o"]);
    expect(nestReceiver.events[0]!.headers["x-tenant-id"]).toBe(TEST_TENANT);
    expect(nestReceiver.rejections.filter((r) => r.status !== 400 || !r.message.includes("dedupKey"))).toEqual([]);
    expect(app.stderr()).toBe("");
  });
});

describe.each(TRANSPORTS)("AXONPUSH_CONTENT_CAPTURE, $name transport", (transport) => {
  async function llmSpan(extra: Record<string, string>): Promise<ReceivedSpan> {
    const { app, exit } = await runOnce("fixtures/privacy/content-app.cjs", axonpushEnv(receiver.url, { ...transport.env, ...extra }), "--require");
    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.stderr()).toBe("");
    const [span] = receiver.spans();
    expect(span!.via).toBe(transport.via);
    return span!;
  }
  const METADATA = {
    "gen_ai.operation.name": "chat",
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.usage.input_tokens": "12",
    "gen_ai.usage.output_tokens": "7",
    "http.response.status_code": "200",
  };
  const completionOf = (span: ReceivedSpan) => (span.events[0] as { attributes: Record<string, string> }).attributes["gen_ai.completion"];

  it("unset (metadata_only, as in the SDKs): content arrives as [REDACTED], metadata as it was", async () => {
    const span = await llmSpan({});
    expect(span.attributes).toEqual({ ...METADATA, "gen_ai.system_instructions": "[REDACTED]", "gen_ai.input.messages": "[REDACTED]" });
    expect(completionOf(span)).toBe("[REDACTED]");
    expect(JSON.stringify(receiver.events)).not.toContain("CONTENT-");
  });

  it("full: content arrives", async () => {
    const span = await llmSpan({ AXONPUSH_CONTENT_CAPTURE: "full" });
    expect(span.attributes["gen_ai.system_instructions"]).toBe("You are the CONTENT-pirate of the seven seas.");
    expect(span.attributes["gen_ai.input.messages"]).toContain("CONTENT-question");
    expect(completionOf(span)).toBe("CONTENT-answer, arr");
  });
});
