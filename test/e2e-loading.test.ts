// End to end: loading the preload twice, bad variable values, and `.env`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, REPO_ROOT, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { callOuter, CJS_APP, IMPORT, introspect, ourLines, REQUIRE } from "./helpers/cjs-app.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

describe("loaded twice", () => {
  it("--require and --import together start one SDK: every span once", async () => {
    const app = await runFixture({
      script: CJS_APP,
      nodeArgs: [...REQUIRE, ...IMPORT],
      env: axonpushEnv(receiver.url, { NODE_OPTIONS: "--require axonpush-otel/register", AXONPUSH_DEBUG: "true" }),
    });
    await callOuter(app);
    const trace = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
    expectWholeTree(trace);
    // Two SDKs would patch http twice: two SERVER spans per request, two CLIENT spans per call.
    expect(trace.filter((s) => s.kind === "SERVER" && s.attributes["url.path"] === "/outer")).toHaveLength(1);
    expect(trace.filter((s) => s.kind === "CLIENT")).toHaveLength(1);
    expect(trace.filter((s) => s.kind === "SERVER" && s.attributes["url.path"] === "/inner")).toHaveLength(1);
    expect(ourLines(app).filter((l) => l.includes("started"))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.events.length).toBe(new Set(receiver.events.map((e) => e.body.spanId)).size);
  });

  it("a second load repeats neither warnings nor bad-value lines", async () => {
    const env = axonpushEnv(receiver.url, { AXONPUSH_MODE: "turbo" });
    delete env.AXONPUSH_API_KEY;
    const app = await runFixture({ script: CJS_APP, nodeArgs: [...REQUIRE, ...IMPORT], env: { ...env, NODE_OPTIONS: "--require axonpush-otel/register" } });
    await callOuter(app);
    expect(ourLines(app)).toEqual([
      'axonpush-otel: AXONPUSH_MODE must be one of background, sync, got "turbo"; using "background".',
      expect.stringContaining("AXONPUSH_API_KEY is not set"),
    ]);
  });

  it("an ESM app under --require then --import keeps the one SDK and gains the ES module hooks", async () => {
    const app = await runFixture({
      script: "fixtures/express-esm/app.mjs",
      nodeArgs: [...REQUIRE, ...IMPORT],
      env: axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true" }),
    });
    expect((await fetch(`http://127.0.0.1:${app.port}/chain`)).status).toBe(200);
    const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/chain", 6);
    const root = expectWholeTree(trace);
    // The app imports express from an ES module, which only the loader hook can patch.
    // Under --require alone the express instrumentation never runs: the root stays
    // "GET" (no route) and its "request handler" spans are missing.
    expect(root.name).toBe("GET /chain");
    // One per request (/chain and the /data it fetches), not doubled.
    expect(trace.filter((s) => s.name.startsWith("request handler"))).toHaveLength(2);
    expect(trace.filter((s) => s.kind === "SERVER")).toHaveLength(2);
    expect(ourLines(app).filter((l) => l.includes("started"))).toHaveLength(1);
  });
});

describe("bad values", () => {
  it("one stderr line per bad variable (name, expected, given), defaults used, the app traced", async () => {
    const app = await runFixture({
      script: CJS_APP,
      nodeArgs: REQUIRE,
      env: axonpushEnv(receiver.url, {
        AXONPUSH_QUEUE_SIZE: "lots",
        AXONPUSH_MODE: "turbo",
        AXONPUSH_MAX_RETRIES: "-1",
        OTEL_TRACES_SAMPLER: "sometimes",
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: "fs,nosuchthing",
      }),
    });
    await callOuter(app);
    await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
    const lines = ourLines(app);
    expect(lines).toHaveLength(5);
    expect(lines).toEqual(
      expect.arrayContaining([
        'axonpush-otel: AXONPUSH_QUEUE_SIZE must be a whole number of at least 1, got "lots"; using 2048.',
        'axonpush-otel: AXONPUSH_MODE must be one of background, sync, got "turbo"; using "background".',
        'axonpush-otel: AXONPUSH_MAX_RETRIES must be a whole number (0 or more), got "-1"; using 3.',
        expect.stringMatching(/^axonpush-otel: OTEL_TRACES_SAMPLER must be one of .*always_on.*, got "sometimes"; using "parentbased_always_on"\.$/),
        expect.stringMatching(/OTEL_NODE_DISABLED_INSTRUMENTATIONS must name known instrumentations .* got unknown "nosuchthing"/),
      ]),
    );
  });
});

describe("standard OpenTelemetry variables", () => {
  it("OTEL_TRACES_SAMPLER=always_off: patched, but no span is sampled or sent", async () => {
    const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env: axonpushEnv(receiver.url, { OTEL_TRACES_SAMPLER: "always_off" }) });
    await callOuter(app);
    expect(await introspect(app)).toMatchObject({ httpPatched: true, sdkStartedBy: "register" });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requestCount).toBe(0);
  });

  it("OTEL_PROPAGATORS=none: the call to /inner no longer carries the trace, so /inner starts its own", async () => {
    const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env: axonpushEnv(receiver.url, { OTEL_PROPAGATORS: "none" }) });
    await callOuter(app);
    const outer = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 2);
    const inner = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/inner", 1);
    expect(expectWholeTree(inner).kind).toBe("SERVER");
    expect(inner[0]!.traceId).not.toBe(outer[0]!.traceId);
    expect(outer.some((s) => s.kind === "CLIENT")).toBe(true);
  });
});

describe(".env in the working directory", () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository, so `axonpush-otel/register` still resolves by package name.
    // tmp/ is git-ignored, so a fresh clone does not have it yet.
    mkdirSync(join(REPO_ROOT, "tmp"), { recursive: true });
    dir = mkdtempSync(join(REPO_ROOT, "tmp", "dotenv-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("supplies our variables, under the real environment, without injecting anything into the app", async () => {
    writeFileSync(
      join(dir, ".env"),
      [
        `AXONPUSH_API_KEY=${TEST_API_KEY}`,
        `AXONPUSH_TENANT_ID=${TEST_TENANT}`,
        "AXONPUSH_CHANNEL_ID=ch_from_dotenv",
        "AXONPUSH_SERVICE_NAME=name-from-dotenv",
        "AXONPUSH_ENVIRONMENT=env-from-dotenv",
        "APP_DATABASE_PASSWORD=not-ours",
      ].join("\n"),
    );
    const app = await runFixture({
      script: CJS_APP,
      nodeArgs: REQUIRE,
      cwd: dir,
      env: { AXONPUSH_BASE_URL: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "50", AXONPUSH_SERVICE_NAME: "name-from-real-env" },
    });
    await callOuter(app);
    const trace = await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
    expect(trace[0]!.resource).toMatchObject({ "service.name": "name-from-real-env", "deployment.environment": "env-from-dotenv" });
    const event = receiver.events.find((e) => e.body.spanId === trace[0]!.spanId)!;
    expect(event.body.channel_id).toBe("ch_from_dotenv");
    // process.env is untouched: only what the real environment had.
    const seen = await introspect(app);
    expect(seen.envKeys).toEqual(["AXONPUSH_BASE_URL", "AXONPUSH_SERVICE_NAME", "OTEL_BSP_SCHEDULE_DELAY", "OTEL_NODE_RESOURCE_DETECTORS"]);
  });
});
