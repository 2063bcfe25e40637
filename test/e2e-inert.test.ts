// End to end: where the preload must do nothing at all: required variables
// missing, disabled, worker threads, package managers.
import { execFileSync, spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useSuiteReceiver } from "./helpers/suite-receiver.js";
import { axonpushEnv, killAllFixtures, LOCAL_DETECTORS, REPO_ROOT, runFixture, TEST_API_KEY, TEST_TENANT } from "./helpers/fixture-process.js";
import { callOuter, CJS_APP, expectNothingSent, introspect, ourLines, REQUIRE } from "./helpers/cjs-app.js";
import { waitForTrace } from "./helpers/trace-assertions.js";

const receiver = useSuiteReceiver({ apiKey: TEST_API_KEY, tenantId: TEST_TENANT, afterEachTest: killAllFixtures });

describe("missing required variables", () => {
  it("warns once naming the API key (the only required variable); the app runs untraced and unpatched, nothing is sent", async () => {
    const env = axonpushEnv(receiver.url);
    delete env.AXONPUSH_API_KEY;
    delete env.AXONPUSH_CHANNEL_ID;
    const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env });
    await callOuter(app);
    expect(await introspect(app)).toMatchObject({ httpPatched: false, sdkStartedBy: null });
    const lines = ourLines(app);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("AXONPUSH_API_KEY is not set");
    expect(lines[0]).not.toContain("AXONPUSH_CHANNEL_ID");
    expect(lines[0]).not.toContain("AXONPUSH_TENANT_ID");
    await expectNothingSent(receiver);
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

describe("cost of an inert preload", () => {
  // OpenTelemetry reaches the process either from node_modules or inside the
  // preload's own SDK bundle (dist/register-boot.cjs); an inert preload loads neither.
  const countSdkModules =
    'console.log(Object.keys(require.cache).filter((k) => /node_modules[\\\\/]@opentelemetry|register-boot/.test(k)).length)';
  for (const flag of ["--import", "--require"]) {
    it(`${flag}: loads no OpenTelemetry code when it stays inert`, () => {
      const run = (extra: Record<string, string>) =>
        Number(
          execFileSync(process.execPath, [flag, "axonpush-otel/register", "-e", countSdkModules], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: { PATH: process.env.PATH, OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS, ...axonpushEnv(receiver.url, extra) },
          }).trim(),
        );
      expect(run({ AXONPUSH_DISABLED: "true" })).toBe(0);
      expect(run({ AXONPUSH_API_KEY: "" })).toBe(0);
      // The same command with tracing on does load it, so the zeros above mean something.
      expect(run({})).toBeGreaterThan(0);
    });
  }
});

describe("disabled", () => {
  for (const variable of ["OTEL_SDK_DISABLED", "AXONPUSH_DISABLED"]) {
    it(`${variable}=true: nothing patched, nothing sent, nothing printed`, async () => {
      const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env: axonpushEnv(receiver.url, { [variable]: "true", AXONPUSH_DEBUG: "true" }) });
      await callOuter(app);
      expect(await introspect(app)).toMatchObject({ httpPatched: false, sdkStartedBy: null });
      expect(app.stderr()).toBe("");
      await expectNothingSent(receiver);
    });
  }

  it('OTEL_SDK_DISABLED=false disables nothing (parsed, not truthy)', async () => {
    const app = await runFixture({ script: CJS_APP, nodeArgs: REQUIRE, env: axonpushEnv(receiver.url, { OTEL_SDK_DISABLED: "false" }) });
    await callOuter(app);
    expect(await introspect(app)).toMatchObject({ httpPatched: true, sdkStartedBy: "register" });
    await waitForTrace(receiver, (s) => s.attributes["url.path"] === "/outer", 3);
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
