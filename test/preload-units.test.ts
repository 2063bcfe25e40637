// Unit tests for the preload's small pieces: guards, instrumentation choice,
// start-up line, resource, sampler, propagators, version.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import type { AxonPushOtelConfig, Env } from "../src/config/types.js";
import { inertReason, isPackageManager } from "../src/preload/guards.js";
import { chooseInstrumentations, instrumentationsToStart } from "../src/preload/instrumentations.js";
import { notNeededHere } from "../src/preload/not-needed.js";
import { AUTO_INSTRUMENTATIONS } from "../src/preload/instrumentation-names.js";
import { nameRouteSpans } from "../src/preload/frameworks/index.js";
import { buildPropagator } from "../src/preload/propagators.js";
import { buildDetectors, resourceAttributesOf } from "../src/preload/resource.js";
import { buildSampler } from "../src/preload/sampler.js";
import { formatStartupLine } from "../src/preload/startup-line.js";
import { PACKAGE_VERSION } from "../src/preload/version.js";

const configOf = (env: Env): AxonPushOtelConfig => resolveConfig({ env, report: () => {}, entryScript: undefined, cwd: "/" });

describe("package manager guard", () => {
  it.each([
    "/usr/lib/node_modules/npm/bin/npm-cli.js",
    "/usr/lib/node_modules/npm/bin/npx-cli.js",
    "/usr/local/bin/npm",
    "/usr/local/bin/npx",
    "/usr/local/lib/node_modules/yarn/bin/yarn.js",
    "/home/me/project/.yarn/releases/yarn-4.1.0.cjs",
    "/usr/local/lib/node_modules/pnpm/bin/pnpm.cjs",
    "/usr/local/bin/pnpm",
    "/usr/local/lib/node_modules/corepack/dist/corepack.js",
    "C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js",
  ])("%s is a package manager", (argv1) => {
    expect(isPackageManager(argv1, {})).toBe(true);
  });

  it.each(["/srv/app/server.js", "/srv/npm-app/index.js", "/srv/app/npm-tools.js", "/srv/yarnball.js", "/srv/app/dist/main.mjs"])(
    "%s is an app",
    (argv1) => {
      expect(isPackageManager(argv1, {})).toBe(false);
    },
  );

  it("an app started by `npm start` is traced: npm_execpath is set but argv[1] is the app", () => {
    expect(isPackageManager("/srv/app/server.js", { npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js" })).toBe(false);
    expect(isPackageManager("/opt/custom/npm-entry.js", { npm_execpath: "/opt/custom/npm-entry.js" })).toBe(true);
  });

  it("checks worker thread, then a second load, then package managers", () => {
    const base = { isMainThread: true, alreadyStarted: false, argv1: "/srv/app.js", env: {} };
    expect(inertReason(base)).toBeUndefined();
    expect(inertReason({ ...base, isMainThread: false, alreadyStarted: true })).toBe("worker-thread");
    expect(inertReason({ ...base, alreadyStarted: true })).toBe("already-started");
    expect(inertReason({ ...base, argv1: "/usr/bin/npx" })).toBe("package-manager");
  });
});

describe("instrumentations", () => {
  it("knows exactly the instrumentations the installed auto-instrumentations-node depends on", () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve("@opentelemetry/auto-instrumentations-node");
    let dir = dirname(main);
    while (!dir.endsWith("auto-instrumentations-node")) dir = dirname(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const fromPackage = Object.keys(pkg.dependencies)
      .filter((name) => name.startsWith("@opentelemetry/instrumentation-"))
      .map((name) => name.slice("@opentelemetry/instrumentation-".length))
      .sort();
    expect([...AUTO_INSTRUMENTATIONS].sort()).toEqual(fromPackage);
  });

  it("turns fastify (@fastify/otel) on by default, and off by name like the others", () => {
    expect(chooseInstrumentations(configOf({})).enabled).toContain("fastify");
    expect(chooseInstrumentations(configOf({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: "fastify" })).enabled).not.toContain("fastify");
    expect(chooseInstrumentations(configOf({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: "http,fastify" }))).toEqual({ enabled: ["fastify", "http"], unknown: [] });
  });

  it("names Express 5 route spans after their route, as Express 4 does, and leaves every other name alone", () => {
    const info = (route: string, layerType: string) => ({ request: {}, route, layerType }) as Parameters<typeof nameRouteSpans>[0];
    expect(nameRouteSpans(info("/api/users/:id", "request_handler"), "request handler")).toBe("request handler - /api/users/:id");
    expect(nameRouteSpans(info("", "request_handler"), "request handler")).toBe("request handler - /");
    expect(nameRouteSpans(info("/api/users/:id", "request_handler"), "request handler - /api/users/:id")).toBe("request handler - /api/users/:id");
    expect(nameRouteSpans(info("/api", "middleware"), "middleware - jsonParser")).toBe("middleware - jsonParser");
  });

  it("enables the defaults (fs and host-metrics off)", () => {
    const { enabled, unknown } = chooseInstrumentations(configOf({}));
    expect(enabled).toEqual(expect.arrayContaining(["http", "undici", "express", "pg", "pino", "winston"]));
    expect(enabled).not.toContain("fs");
    expect(enabled).not.toContain("host-metrics");
    expect(unknown).toEqual([]);
  });

  it("OTEL_NODE_ENABLED_INSTRUMENTATIONS is the whole list (and can turn fs on)", () => {
    expect(chooseInstrumentations(configOf({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: "http,fs" })).enabled).toEqual(["fs", "http"]);
  });

  it("OTEL_NODE_DISABLED_INSTRUMENTATIONS removes from either list; unknown names are returned for a warning", () => {
    const choice = chooseInstrumentations(configOf({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: "http,pg,mystery", OTEL_NODE_DISABLED_INSTRUMENTATIONS: "pg,ghost" }));
    expect(choice).toEqual({ enabled: ["http"], unknown: ["mystery", "ghost"] });
  });
});

describe("instrumentations that could do nothing here", () => {
  const enabled = ["http", "runtime-node", "host-metrics", "aws-lambda", "undici"];

  it("leaves out the metrics-only ones unless OTEL_METRICS_EXPORTER names an exporter, and aws-lambda outside Lambda", () => {
    expect(Object.keys(notNeededHere(enabled, {}))).toEqual(["runtime-node", "host-metrics", "aws-lambda"]);
    expect(Object.keys(notNeededHere(enabled, { OTEL_METRICS_EXPORTER: "none" }))).toEqual(["runtime-node", "host-metrics", "aws-lambda"]);
    expect(Object.keys(notNeededHere(enabled, { OTEL_METRICS_EXPORTER: " " }))).toEqual(["runtime-node", "host-metrics", "aws-lambda"]);
    for (const exporter of ["otlp", "console", "none, prometheus", "OTLP"]) {
      expect(Object.keys(notNeededHere(enabled, { OTEL_METRICS_EXPORTER: exporter })), exporter).toEqual(["aws-lambda"]);
    }
  });

  it("keeps aws-lambda in Lambda (both of the runtime's variables), never what is not enabled", () => {
    expect(notNeededHere(enabled, { LAMBDA_TASK_ROOT: "/var/task", _HANDLER: "index.handler", OTEL_METRICS_EXPORTER: "otlp" })).toEqual({});
    expect(Object.keys(notNeededHere(enabled, { LAMBDA_TASK_ROOT: "/var/task" }))).toContain("aws-lambda");
    expect(Object.keys(notNeededHere(enabled, { _HANDLER: "index.handler" }))).toContain("aws-lambda");
    expect(notNeededHere(["http", "pg"], {})).toEqual({});
  });

  it("takes them out of what starts, whatever chose them", () => {
    const started = instrumentationsToStart(configOf({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: "http,runtime-node" }), {});
    expect(started.enabled).toEqual(["http"]);
    expect(Object.keys(started.notNeeded)).toEqual(["runtime-node"]);
    expect(instrumentationsToStart(configOf({}), { OTEL_METRICS_EXPORTER: "otlp" }).enabled).toContain("runtime-node");
    expect(instrumentationsToStart(configOf({}), {}).enabled).not.toContain("runtime-node");
  });
});

describe("start-up line", () => {
  const config = configOf({
    AXONPUSH_API_KEY: "ak_live_very_secret",
    AXONPUSH_TENANT_ID: "tenant_secret",
    AXONPUSH_CHANNEL_ID: "ch_9",
    AXONPUSH_SERVICE_NAME: "svc",
    AXONPUSH_ENVIRONMENT: "prod",
    AXONPUSH_BASE_URL: "http://127.0.0.1:1234",
    OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20otlp-secret",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
  });
  const line = formatStartupLine(config, "1.2.3", ["http", "pg"]);

  it("shows version, service, environment, channel, endpoint and instrumentations", () => {
    expect(line.startsWith("started ")).toBe(true);
    expect(JSON.parse(line.slice("started ".length))).toEqual({
      version: "1.2.3",
      serviceName: "svc",
      environment: "prod",
      channelId: "ch_9",
      baseUrl: "http://127.0.0.1:1234",
      mode: "background",
      transport: "events",
      extraTraceExporters: ["otlp"],
      resourceDetectors: ["env", "host", "os", "process", "serviceinstance", "container"],
      apiKey: "[REDACTED]",
      tenantId: "[REDACTED]",
      logs: { toAxonPush: true, captureConsole: false, queueSize: 2048 },
      instrumentations: ["http", "pg"],
    });
  });

  it("never contains a secret, not even ones outside the allow-list", () => {
    for (const secret of ["ak_live_very_secret", "tenant_secret", "otlp-secret"]) expect(line).not.toContain(secret);
  });

  it("says which optional destination values are not set", () => {
    const keyOnly = JSON.parse(formatStartupLine(configOf({ AXONPUSH_API_KEY: "ak_live_very_secret" }), "1.2.3", []).slice("started ".length));
    expect(keyOnly).toMatchObject({ apiKey: "[REDACTED]", tenantId: "(not set)", channelId: "(not set: the key's default channel)" });
  });
});

describe("resource, sampler, propagators", () => {
  it("puts the service and both environment keys on the resource, over OTEL_RESOURCE_ATTRIBUTES", () => {
    const attributes = resourceAttributesOf(
      configOf({ AXONPUSH_SERVICE_NAME: "svc", AXONPUSH_SERVICE_VERSION: "2.0.0", AXONPUSH_ENVIRONMENT: "prod", OTEL_RESOURCE_ATTRIBUTES: "team=core,service.name=other,deployment.environment=x" }),
    );
    expect(attributes).toEqual({
      team: "core",
      "service.name": "svc",
      "service.version": "2.0.0",
      "deployment.environment": "prod",
      "deployment.environment.name": "prod",
    });
  });

  it("ignores OTEL_RESOURCE_ATTRIBUTES when the env detector is not named", () => {
    expect(resourceAttributesOf(configOf({ OTEL_RESOURCE_ATTRIBUTES: "team=core", OTEL_NODE_RESOURCE_DETECTORS: "host" }))).not.toHaveProperty("team");
  });

  it("builds only the detectors named (the env one is handled by the resource itself)", () => {
    expect(buildDetectors(["host", "os", "env"])).toHaveLength(2);
    expect(buildDetectors(["aws"]).length).toBeGreaterThan(1);
    expect(buildDetectors([])).toEqual([]);
  });

  it("builds the sampler OTEL_TRACES_SAMPLER names", () => {
    expect(buildSampler(undefined)).toBeUndefined();
    expect(buildSampler({ name: "always_off", ratio: 1 })!.toString()).toBe("AlwaysOffSampler");
    expect(buildSampler({ name: "parentbased_traceidratio", ratio: 0.5 })!.toString()).toContain("TraceIdRatioBased{0.5}");
  });

  it("builds the propagators OTEL_PROPAGATORS names; none means none", () => {
    expect(buildPropagator(undefined)).toBeUndefined();
    expect(buildPropagator(["none"])).toBeNull();
    expect(buildPropagator(["b3"])!.fields()).toContain("b3");
    expect(buildPropagator(["tracecontext", "baggage"])!.fields()).toEqual(expect.arrayContaining(["traceparent", "baggage"]));
  });
});

it("PACKAGE_VERSION matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  expect(PACKAGE_VERSION).toBe(pkg.version);
});
