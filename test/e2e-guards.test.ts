// End to end: where the preload must stay out of the way (missing key,
// disabled, loaded twice, worker threads, package managers, bad values) and
// how it reads `.env`. The CommonJS fixture's GET /introspect says whether
// http was patched, which SDK started, and which of our variables the app sees.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../src/receiver/index.js";
import { axonpushEnv, killAllFixtures, LOCAL_DETECTORS, REPO_ROOT, runFixture, TEST_API_KEY, TEST_TENANT, type FixtureRun } from "./helpers/fixture-process.js";
import { expectWholeTree, waitForTrace } from "./helpers/trace-assertions.js";

const CJS_APP = "fixtures/cjs-http/app.cjs";
const REQUIRE = ["--require", "axonpush-otel/register"];
const IMPORT = ["--import", "axonpush-otel/register"];
let receiver: LocalReceiver;

beforeAll(async () => {
  receiver = await startLocalReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT });
});
afterEach(async () => {
  await killAllFixtures();
  receiver.reset();
});
afterAll(async () => {
  await receiver.close();
});

interface Introspection {
  httpPatched: boolean;
  sdkStartedBy: string | null;
  envKeys: string[];
}

async function introspect(app: FixtureRun): Promise<Introspection> {
  return (await fetch(`http://127.0.0.1:${app.port}/introspect`)).json() as Promise<Introspection>;
}

async function callOuter(app: FixtureRun): Promise<void> {
  expect(await (await fetch(`http://127.0.0.1:${app.port}/outer`)).text()).toBe("outer+inner");
}

/** Gives a would-be exporter time to send (its delay is 50 ms), then checks nothing came. */
async function expectNothingSent(): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
  expect(receiver.requestCount).toBe(0);
}

const ourLines = (app: FixtureRun) => app.stderr().split("\n").filter((line) => line.startsWith("axonpush-otel:"));

describe("missing required variables", () => {
  it("warns once naming the missing ones; the app runs untraced and unpatched, nothing is sent", async () => {
    const env = axonpushEnv(receiver.url);
    delete env.AXONPUSH_API_KEY;
    delete env.AXONPUSH_CHANNEL_ID;
    const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env });
    await callOuter(app);
    expect(await introspect(app)).toMatchObject({ httpPatched: false, sdkStartedBy: null });
    const lines = ourLines(app);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("AXONPUSH_API_KEY, AXONPUSH_CHANNEL_ID are not set");
    expect(lines[0]).not.toContain("AXONPUSH_TENANT_ID");
    await expectNothingSent();
  });

  it("still traces to another exporter when OTEL_TRACES_EXPORTER asks for one", async () => {
    const app = await runFixture({
      script: CJS_APP,
      nodeArgs: REQUIRE,
      env: { OTEL_TRACES_EXPORTER: "console", OTEL_BSP_SCHEDULE_DELAY: "50", AXONPUSH_BASE_URL: receiver.url },
    });
    await callOuter(app);
    expect(await introspect(app)).toMatchObject({ httpPatched: true, sdkStartedBy: "register" });
    await expect.poll(() => app.stdout(), { timeout: 10_000 }).toMatch(/traceId: '[0-9a-f]{32}'/);
    expect(ourLines(app)).toEqual([expect.stringContaining("spans still go to console")]);
    expect(receiver.requestCount).toBe(0);
  });
});

describe("disabled", () => {
  for (const variable of ["OTEL_SDK_DISABLED", "AXONPUSH_DISABLED"]) {
    it(`${variable}=true: nothing patched, nothing sent, nothing printed`, async () => {
      const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env: axonpushEnv(receiver.url, { [variable]: "true", AXONPUSH_DEBUG: "true" }) });
      await callOuter(app);
      expect(await introspect(app)).toMatchObject({ httpPatched: false, sdkStartedBy: null });
      expect(app.stderr()).toBe("");
      await expectNothingSent();
    });
  }

  it('OTEL_SDK_DISABLED=false disables nothing (parsed, not truthy)', async () => {
    const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env: axonpushEnv(receiver.url, { OTEL_SDK_DISABLED: "false" }) });
    await callOuter(app);
    expect(await introspect(app)).toMatchObject({ httpPatched: true, sdkStartedBy: "register" });
    await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
  });
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
    expect(trace.filter((s) => s.name === "request handler")).toHaveLength(2);
    expect(trace.filter((s) => s.kind === "SERVER")).toHaveLength(2);
    expect(ourLines(app).filter((l) => l.includes("started"))).toHaveLength(1);
  });
});

describe("worker threads", () => {
  it("a worker thread (which runs --require preloads too) starts no second SDK", async () => {
    const app = await runFixture({
      script: "fixtures/worker-app/app.cjs",
      nodeArgs: REQUIRE,
      env: axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true" }),
    });
    const seen = await (await fetch(`http://127.0.0.1:${app.port}/worker`)).json();
    expect(seen).toEqual({ sdkInWorker: false, startedBy: null });
    // The main thread is traced as usual, and only one SDK announced itself.
    await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/worker", 1);
    expect(ourLines(app).filter((l) => l.includes("started"))).toHaveLength(1);
  });
});

describe("package managers", () => {
  // `npm` on PATH is a link to npm's npm-cli.js, which is what argv[1] is when npm runs.
  const npmCli = realpathSync(execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim());

  function runWithPreloadInNodeOptions(args: string[]) {
    return spawnSync(process.execPath, args, {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_OPTIONS: "--require axonpush-otel/register",
        OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS,
        ...axonpushEnv(receiver.url, { AXONPUSH_DEBUG: "true" }),
      },
    });
  }

  it("npm itself stays inert when NODE_OPTIONS makes it load the preload", () => {
    const npm = runWithPreloadInNodeOptions([npmCli, "--version"]);
    expect(npm.status).toBe(0);
    expect(npm.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(npm.stderr).not.toContain("axonpush-otel: started");
    // The same environment does start in an ordinary script, so the check above means something.
    const ordinary = runWithPreloadInNodeOptions(["-e", "setTimeout(() => {}, 10)"]);
    expect(ordinary.stderr).toContain("axonpush-otel: started");
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

describe(".env in the working directory", () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository, so `axonpush-otel/register` still resolves by package name.
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
