// End to end: which ES module hooks run on this Node line, TypeScript run by
// Node itself, loading the preload twice, bad variable values, and `.env`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, REPO_ROOT, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { callOuter, CJS_APP, IMPORT, introspect, ourLines, REQUIRE } from "./helpers/cjs-app.js";
import { expectWholeTree, findDescendant, waitForTrace } from "./helpers/trace-assertions.js";
import { NATIVE_TYPESCRIPT, NODE_LINE, SYNC_MODULE_HOOKS } from "./helpers/node-line.js";
import { TRANSPORTS } from "./helpers/transports.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

const EXPECTED_HOOKS = SYNC_MODULE_HOOKS ? "in-thread" : "loader-thread";
const HOOKS_APP = "fixtures/esm-hooks/app.mjs";
const HOOK_SPY = ["--import", "./fixtures/esm-hooks/spy.mjs"];

interface HooksReport {
  calls: { register: number; registerHooks: number };
  wrapped: string[];
}
const hooksReport = (stdout: string): HooksReport => JSON.parse(/^HOOKS (.*)$/m.exec(stdout)![1]!) as HooksReport;
const startupFields = (app: { stderr(): string }) =>
  JSON.parse(ourLines(app as never).find((l) => l.startsWith("axonpush-otel: started "))!.slice("axonpush-otel: started ".length)) as Record<string, unknown>;

describe(`ES module hooks on ${NODE_LINE}`, () => {
  it(`${SYNC_MODULE_HOOKS ? "run in-thread (module.registerHooks)" : "run on the loader thread (module.register)"}, wrapping only what an instrumentation asked for`, async () => {
    const app = await runFixture({
      script: HOOKS_APP,
      nodeArgs: [...HOOK_SPY, ...IMPORT],
      env: axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true" }),
      waitForReady: false,
    });
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const report = hooksReport(app.stdout());
    // What Node was really asked for, seen by a spy preloaded before ours.
    expect(report.calls).toEqual(SYNC_MODULE_HOOKS ? { register: 0, registerHooks: 1 } : { register: 1, registerHooks: 0 });
    // And what the debug start-up line says, so a user can tell too.
    expect(startupFields(app).esmHooks).toBe(EXPECTED_HOOKS);
    // The hooks work (express and node:http, which instrumentations hook, are wrapped)
    // and touch nothing else (the app's own module, node:path).
    expect(report.wrapped).toEqual(expect.arrayContaining(["node:http", expect.stringMatching(/\/node_modules\/express\/index\.js$/)]));
    expect(report.wrapped.filter((url) => url.includes("plain.mjs") || url.includes("path"))).toEqual([]);
  });

  it("an ES module app's stderr and exit code are exactly what they are without the preload", async () => {
    const run = async (nodeArgs: string[]) => {
      const app = await runFixture({ script: HOOKS_APP, nodeArgs, env: axonpushEnv(receiver.url), waitForReady: false });
      return { exit: await app.exited, stderr: app.stderr(), ran: /^HOOKS /m.test(app.stdout()) };
    };
    const without = await run([]);
    const under = await run(IMPORT);
    expect(without).toEqual({ exit: { code: 0, signal: null }, stderr: "app: done\n", ran: true });
    // Byte for byte: no DeprecationWarning (DEP0205 on Node 26 for module.register()), no ExperimentalWarning.
    expect(under).toEqual(without);
  });

  it("a CommonJS entry under --import gets no ES module hooks at all", async () => {
    const app = await runFixture({ script: CJS_APP, nodeArgs: [...HOOK_SPY, ...IMPORT], env: axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true" }) });
    await callOuter(app);
    await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
    expect(startupFields(app).esmHooks).toBe("none");
  });
});

describe.each(TRANSPORTS)(`TypeScript run by Node itself on ${NODE_LINE}, no tsx ($name transport)`, (transport) => {
  const script = "fixtures/native-ts/app.ts";
  if (NATIVE_TYPESCRIPT) {
    it("POST /chat is traced like the tsx fixture: llm.call and db.query under the SERVER span, named by its express route", async () => {
      const app = await runFixture({
        script,
        nodeArgs: IMPORT,
        env: axonpushEnv(receiver.url, { AXONPUSH_SERVICE_NAME: "my-api", AXONPUSH_DEBUG: "true", ...transport.env }),
      });
      const response = await fetch(`http://127.0.0.1:${app.port}/chat`, { method: "POST", body: JSON.stringify({ prompt: "hi" }) });
      expect(await response.json()).toEqual({ reply: "echo: hi" });

      const trace = await waitForTrace(receiver, (s) => s.kind === "SERVER" && s.attributes["url.path"] === "/chat", 3);
      const root = expectWholeTree(trace);
      // The route name comes from the express instrumentation, which only the ES module hooks can apply here.
      expect(root).toMatchObject({ name: "POST /chat", kind: "SERVER" });
      expect(findDescendant(trace, root, (s) => s.name === "llm.call")).toMatchObject({
        kind: "INTERNAL",
        attributes: { model: "gpt-4o-mini", prompt_tokens: "128", completion_tokens: "256" },
      });
      expect(findDescendant(trace, root, (s) => s.name === "db.query")).toMatchObject({
        attributes: { "db.statement": "SELECT * FROM users WHERE id=$1", "db.rows_affected": "1" },
      });
      expect(root.resource["service.name"]).toBe("my-api");
      expect(new Set(trace.map((s) => s.via))).toEqual(new Set([transport.via]));
      expect(startupFields(app).esmHooks).toBe(EXPECTED_HOOKS);
      expect(ourLines(app).filter((l) => !l.startsWith("axonpush-otel: started "))).toEqual([]);
    });
  } else {
    it("fails as it does without the preload: Node cannot run .ts here", async () => {
      const run = async (nodeArgs: string[]) => {
        const app = await runFixture({ script, nodeArgs, env: axonpushEnv(receiver.url, transport.env), waitForReady: false });
        // The stack below the error differs (the loader thread's frames); the error and the exit code do not.
        return { exit: await app.exited, error: app.stderr().split("\n").find((line) => line.startsWith("TypeError [ERR_UNKNOWN_FILE_EXTENSION]")) };
      };
      const without = await run([]);
      expect(without.exit.code).not.toBe(0);
      expect(without.error).toMatch(/Unknown file extension "\.ts"/);
      expect(await run(IMPORT)).toEqual(without);
    });
  }
});

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
    // --require started without ES module hooks; --import added this line's kind.
    expect(startupFields(app).esmHooks).toBe("none");
    expect(ourLines(app)).toContain(`axonpush-otel: ES module hooks added to the running SDK: ${EXPECTED_HOOKS}.`);
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
