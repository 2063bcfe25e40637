// End to end: the ESM Express fixture under `--import axonpush-otel/register`,
// against the local receiver, checked as whole trace trees.
import { afterEach, describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { ancestorsOf, expectWholeTree, findDescendant, waitForTrace } from "./helpers/trace-assertions.js";
import { TRANSPORTS } from "./helpers/transports.js";

const PRELOAD = ["--import", "axonpush-otel/register"];
const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

const traceOf = (route: string, minSpans: number) =>
  waitForTrace(receiver, (s) => s.kind === "SERVER" && s.name === route, minSpans);

describe.each(TRANSPORTS)("ESM Express app under --import ($name transport)", (transport) => {
  // Every span of these tests must have come through this suite's transport.
  afterEach(() => {
    expect(new Set(receiver.spans().map((s) => s.via))).toEqual(new Set([transport.via]));
  });
  it("sends one whole trace: SERVER -> manual span -> CLIENT fetch -> SERVER, with stringified attributes and the resource", async () => {
    const app = await runFixture({
      script: "fixtures/express-esm/app.mjs",
      nodeArgs: PRELOAD,
      env: axonpushEnv(receiver.url, { AXONPUSH_ENVIRONMENT: "staging", ...transport.env }),
    });
    const response = await fetch(`http://127.0.0.1:${app.port}/chain`);
    expect(await response.json()).toEqual({ rows: 3 });

    const trace = await traceOf("GET /chain", 6);
    const root = expectWholeTree(trace);
    expect(root).toMatchObject({ name: "GET /chain", kind: "SERVER" });

    // The manual span joined the automatic trace, under the Express handler.
    const manual = trace.find((s) => s.name === "compute-answer")!;
    expect(manual).toMatchObject({ kind: "INTERNAL", scope: { name: "fixture-express-esm", version: "1.0.0" } });
    expect(ancestorsOf(trace, manual).some((a) => a.name === "request handler - /chain")).toBe(true);
    expect(manual.attributes).toMatchObject({ "answer.value": "42", "answer.exact": "true", "answer.tags": '["a","b"]' });

    // SERVER -> CLIENT -> SERVER across the fetch, all in the same trace.
    const client = findDescendant(trace, manual, (s) => s.kind === "CLIENT" && s.name.startsWith("GET"))!;
    expect(client).toBeDefined();
    const inner = findDescendant(trace, client, (s) => s.kind === "SERVER")!;
    expect(inner).toMatchObject({ name: "GET /data", parentSpanId: client.spanId });
    expect(Object.values(client.attributes).join(" ")).toContain(`:${app.port}`);

    // Express instrumentation (ESM, through the loader hook) made its own spans.
    expect(trace.some((s) => s.name === "request handler - /data")).toBe(true);

    // Resource: service from the fixture's package.json, environment in both spellings.
    for (const span of trace) {
      expect(span.resource).toMatchObject({
        "service.name": "fixture-express-esm",
        "service.version": "1.2.3",
        "deployment.environment": "staging",
        "deployment.environment.name": "staging",
        "telemetry.sdk.language": "nodejs",
        "process.pid": String(app.child.pid),
      });
      for (const value of Object.values(span.attributes)) expect(typeof value).toBe("string");
    }
    expect(receiver.rejections).toEqual([]);
  });

  it("marks a 500 answer's SERVER span as ERROR", async () => {
    const app = await runFixture({ script: "fixtures/express-esm/app.mjs", nodeArgs: PRELOAD, env: axonpushEnv(receiver.url, transport.env) });
    expect((await fetch(`http://127.0.0.1:${app.port}/fail`)).status).toBe(500);
    const trace = await traceOf("GET /fail", 2);
    const root = expectWholeTree(trace);
    expect(root).toMatchObject({ kind: "SERVER", status: "ERROR" });
    expect(root.attributes["http.response.status_code"] ?? root.attributes["http.status_code"]).toBe("500");
  });

  it("never traces the exporter's own requests (POST /event or /v1/traces)", async () => {
    const app = await runFixture({ script: "fixtures/express-esm/app.mjs", nodeArgs: PRELOAD, env: axonpushEnv(receiver.url, transport.env) });
    for (let i = 0; i < 3; i++) await fetch(`http://127.0.0.1:${app.port}/chain`);
    await receiver.waitForSpans((all) => all.filter((s) => s.name === "compute-answer").length === 3, 15_000);
    // Let a few more export rounds happen: if exports were traced, they would feed themselves.
    await new Promise((r) => setTimeout(r, 400));
    const spans = receiver.spans();
    const receiverPort = `:${receiver.port}`;
    const aboutTheReceiver = spans.filter((s) => Object.values(s.attributes).some((v) => v.includes(receiverPort) || v === transport.path));
    expect(aboutTheReceiver.map((s) => `${s.kind} ${s.name}`)).toEqual([]);
    // Every span belongs to one of the three /chain traces.
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((r) => r.name)).toEqual(["GET /chain", "GET /chain", "GET /chain"]);
  });

  it("injects the active trace and span ids into pino log lines", async () => {
    const app = await runFixture({ script: "fixtures/express-esm/app.mjs", nodeArgs: PRELOAD, env: axonpushEnv(receiver.url, transport.env) });
    await fetch(`http://127.0.0.1:${app.port}/log`);
    const trace = await traceOf("GET /log", 2);
    const line = app
      .stdout()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((entry) => entry.msg === "user 42 loaded")!;
    expect(line).toMatchObject({ route: "/log", trace_id: trace[0]!.traceId, trace_flags: "01" });
    expect(trace.map((s) => s.spanId)).toContain(line.span_id);
  });

  it("prints one start-up line with AXONPUSH_DEBUG=true, secrets as [REDACTED], the key never", async () => {
    const app = await runFixture({
      script: "fixtures/express-esm/app.mjs",
      nodeArgs: PRELOAD,
      env: axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true", AXONPUSH_ENVIRONMENT: "dev", ...transport.env }),
    });
    await fetch(`http://127.0.0.1:${app.port}/chain`);
    await traceOf("GET /chain", 6);
    const lines = app.stderr().split("\n").filter((l) => l.startsWith("axonpush-otel: started"));
    expect(lines).toHaveLength(1);
    const fields = JSON.parse(lines[0]!.slice("axonpush-otel: started ".length));
    expect(fields).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      serviceName: "fixture-express-esm",
      environment: "dev",
      channelId: "ch_e2e",
      baseUrl: receiver.url,
      transport: transport.name,
      apiKey: "[REDACTED]",
    });
    expect(fields.instrumentations).toEqual(expect.arrayContaining(["http", "express", "undici", "pg"]));
    expect(fields.instrumentations).not.toContain("fs");
    expect(app.stderr()).not.toContain(TEST_API_KEY);
    expect(app.stdout()).not.toContain(TEST_API_KEY);
  });

  it("is quiet without debug: nothing on stderr", async () => {
    const app = await runFixture({ script: "fixtures/express-esm/app.mjs", nodeArgs: PRELOAD, env: axonpushEnv(receiver.url, transport.env) });
    await fetch(`http://127.0.0.1:${app.port}/chain`);
    await traceOf("GET /chain", 6);
    expect(app.stderr()).toBe("");
  });
});
