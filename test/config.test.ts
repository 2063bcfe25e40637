// Unit tests for src/config: one parser per variable, precedence, bad values,
// `.env`. Every resolver gets a plain object as its environment.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeWithDotEnv, readDotEnv } from "../src/config/dotenv.js";
import { missingRequired, resolveConfig } from "../src/config/resolve.js";
import { parseBoolean, parseKeyValueList } from "../src/config/parsers.js";
import type { Env, StartOptions } from "../src/config/types.js";

let dir: string;
let appScript: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "axonpush-config-"));
  mkdirSync(join(dir, "app", "src"), { recursive: true });
  writeFileSync(join(dir, "app", "package.json"), JSON.stringify({ name: "shop-api", version: "4.5.6" }));
  // A nested marker without a name must not stop the search.
  writeFileSync(join(dir, "app", "src", "package.json"), JSON.stringify({ type: "module" }));
  appScript = join(dir, "app", "src", "server.js");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function resolveWith(env: Env, options?: StartOptions) {
  const lines: string[] = [];
  const config = resolveConfig({ env, options, report: (line) => lines.push(line), entryScript: appScript, cwd: dir });
  return { config, lines };
}

const REQUIRED = { AXONPUSH_API_KEY: "k", AXONPUSH_TENANT_ID: "t", AXONPUSH_CHANNEL_ID: "c" };

describe("defaults", () => {
  it("resolves an empty environment to the documented defaults, quietly, frozen", () => {
    const { config, lines } = resolveWith({});
    expect(lines).toEqual([]);
    expect(config).toMatchObject({
      baseUrl: "https://api.axonpush.xyz",
      mode: "background",
      transport: "events",
      queueSize: 2048,
      timeoutMs: 10_000,
      maxRetries: 3,
      shutdownTimeoutMs: 5000,
      maxContentLength: 4096,
      contentCapture: "metadata_only",
      redactKeys: [],
      debug: false,
      disabled: false,
      extraTraceExporters: [],
      resourceDetectors: ["env", "host", "os", "process", "serviceinstance", "container"],
      disabledInstrumentations: [],
    });
    expect(config.enabledInstrumentations).toBeUndefined();
    expect(config.sampler).toBeUndefined();
    expect(config.propagators).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.redactKeys)).toBe(true);
    expect(missingRequired(config)).toEqual(["AXONPUSH_API_KEY"]);
  });

  it("needs only the API key: tenant and channel are optional", () => {
    const { config, lines } = resolveWith({ AXONPUSH_API_KEY: "k" });
    expect(lines).toEqual([]);
    expect(missingRequired(config)).toEqual([]);
    expect(config.tenantId).toBeUndefined();
    expect(config.channelId).toBeUndefined();
    expect(missingRequired(resolveWith({ AXONPUSH_TENANT_ID: "t", AXONPUSH_CHANNEL_ID: "c" }).config)).toEqual(["AXONPUSH_API_KEY"]);
  });

  it("reads every AXONPUSH_* variable", () => {
    const { config, lines } = resolveWith({
      ...REQUIRED,
      AXONPUSH_BASE_URL: "http://127.0.0.1:9999/",
      AXONPUSH_MODE: "SYNC",
      AXONPUSH_TRANSPORT: "otlp",
      AXONPUSH_QUEUE_SIZE: "100",
      AXONPUSH_TIMEOUT: "2.5",
      AXONPUSH_MAX_RETRIES: "0",
      AXONPUSH_SHUTDOWN_TIMEOUT_MS: "800",
      AXONPUSH_REDACT_KEYS: "password, ssn,,password",
      AXONPUSH_MAX_CONTENT_LENGTH: "64",
      AXONPUSH_CONTENT_CAPTURE: "full",
      AXONPUSH_DEBUG: "yes",
      AXONPUSH_ENVIRONMENT: "prod",
    });
    expect(lines).toEqual([]);
    expect(config).toMatchObject({
      apiKey: "k",
      tenantId: "t",
      channelId: "c",
      baseUrl: "http://127.0.0.1:9999",
      mode: "sync",
      transport: "otlp",
      queueSize: 100,
      timeoutMs: 2500,
      maxRetries: 0,
      shutdownTimeoutMs: 800,
      redactKeys: ["password", "ssn"],
      maxContentLength: 64,
      contentCapture: "full",
      debug: true,
      environment: "prod",
    });
    expect(missingRequired(config)).toEqual([]);
  });

  it("lets code options override the environment", () => {
    const { config } = resolveWith({ ...REQUIRED, AXONPUSH_MODE: "sync", AXONPUSH_SERVICE_NAME: "from-env" }, { mode: "background", serviceName: "from-code", apiKey: "code-key" });
    expect(config).toMatchObject({ mode: "background", serviceName: "from-code", apiKey: "code-key", tenantId: "t" });
  });
});

describe("service name and version", () => {
  const cases: [string, Env, string][] = [
    ["AXONPUSH_SERVICE_NAME first", { AXONPUSH_SERVICE_NAME: "a", OTEL_SERVICE_NAME: "b", OTEL_RESOURCE_ATTRIBUTES: "service.name=c" }, "a"],
    ["then OTEL_SERVICE_NAME", { OTEL_SERVICE_NAME: "b", OTEL_RESOURCE_ATTRIBUTES: "service.name=c" }, "b"],
    ["then service.name in OTEL_RESOURCE_ATTRIBUTES", { OTEL_RESOURCE_ATTRIBUTES: "service.name=c", AWS_LAMBDA_FUNCTION_NAME: "orders-fn" }, "c"],
    ["then, in AWS Lambda, the function's name", { AWS_LAMBDA_FUNCTION_NAME: "orders-fn" }, "orders-fn"],
    ["then the app's package.json", {}, "shop-api"],
  ];
  for (const [label, env, expected] of cases) {
    it(label, () => expect(resolveWith(env).config.serviceName).toBe(expected));
  }

  it("falls back to unknown_service:node with no package.json anywhere up the tree", () => {
    const config = resolveConfig({ env: {}, report: () => {}, entryScript: "/nonexistent-root-dir/x.js", cwd: "/" });
    expect(config.serviceName).toBe("unknown_service:node");
  });

  it("uses the working directory's package.json when there is no entry script", () => {
    const config = resolveConfig({ env: {}, report: () => {}, entryScript: undefined, cwd: join(dir, "app") });
    expect(config.serviceName).toBe("shop-api");
  });

  it("takes the version from AXONPUSH_SERVICE_VERSION, else package.json", () => {
    expect(resolveWith({ AXONPUSH_SERVICE_VERSION: "9.9.9" }).config.serviceVersion).toBe("9.9.9");
    expect(resolveWith({}).config.serviceVersion).toBe("4.5.6");
  });
});

describe("booleans are parsed, never truthy", () => {
  const ctx = (value: string | undefined, lines: string[] = []) => ({ env: { FLAG: value }, report: (l: string) => lines.push(l) });
  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["0", false],
    ["off", false],
    ["", false],
  ])("%j -> %s", (raw, expected) => {
    expect(parseBoolean(ctx(raw), "FLAG", false)).toBe(expected);
  });

  it('OTEL_SDK_DISABLED=false and AXONPUSH_DISABLED=false disable nothing; "true" in either does', () => {
    expect(resolveWith({ OTEL_SDK_DISABLED: "false", AXONPUSH_DISABLED: "false" }).config.disabled).toBe(false);
    expect(resolveWith({ OTEL_SDK_DISABLED: "true" }).config.disabled).toBe(true);
    expect(resolveWith({ AXONPUSH_DISABLED: "true" }).config.disabled).toBe(true);
  });

  it("a non-boolean is reported and the default kept", () => {
    const lines: string[] = [];
    expect(parseBoolean(ctx("maybe", lines), "FLAG", true)).toBe(true);
    expect(lines).toEqual(['FLAG must be true or false, got "maybe"; using true.']);
  });
});

describe("bad values", () => {
  it("get one line each naming the variable, what was expected and what was given, then the default", () => {
    const { config, lines } = resolveWith({
      AXONPUSH_QUEUE_SIZE: "0",
      AXONPUSH_TIMEOUT: "1.5s",
      AXONPUSH_MAX_RETRIES: "three",
      AXONPUSH_MODE: "async",
      AXONPUSH_TRANSPORT: "grpc",
      AXONPUSH_BASE_URL: "ftp://example",
      AXONPUSH_SHUTDOWN_TIMEOUT_MS: "-5",
      AXONPUSH_MAX_CONTENT_LENGTH: "1e3",
      OTEL_BSP_SCHEDULE_DELAY: "soon",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "2",
    });
    expect(lines).toEqual([
      'AXONPUSH_BASE_URL must be an http:// or https:// URL, got "ftp://example"; using "https://api.axonpush.xyz".',
      'AXONPUSH_MODE must be one of background, sync, got "async"; using "background".',
      'AXONPUSH_TRANSPORT must be one of events, otlp, got "grpc"; using "events".',
      'AXONPUSH_QUEUE_SIZE must be a whole number of at least 1, got "0"; using 2048.',
      'AXONPUSH_TIMEOUT must be a number of seconds above 0 (0.5 for half a second), got "1.5s"; using 10.',
      'AXONPUSH_MAX_RETRIES must be a whole number (0 or more), got "three"; using 3.',
      'AXONPUSH_SHUTDOWN_TIMEOUT_MS must be a whole number of at least 1, got "-5"; using 5000.',
      'AXONPUSH_MAX_CONTENT_LENGTH must be a whole number of at least 1, got "1e3"; using 4096.',
      'OTEL_BSP_SCHEDULE_DELAY must be a whole number (0 or more), got "soon"; using no value.',
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "2"; using 1.',
    ]);
    expect(config).toMatchObject({ queueSize: 2048, timeoutMs: 10_000, maxRetries: 3, mode: "background", sampler: { name: "traceidratio", ratio: 1 } });
    expect(config.batchProcessor.scheduledDelayMillis).toBeUndefined();
  });
});

describe("standard OTEL_* variables", () => {
  it("runs OTLP beside AxonPush when OTEL_TRACES_EXPORTER lists it or an endpoint is set", () => {
    expect(resolveWith({ OTEL_TRACES_EXPORTER: "otlp,console" }).config.extraTraceExporters).toEqual(["otlp", "console"]);
    const viaEndpoint = resolveWith({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/" }).config;
    expect(viaEndpoint.extraTraceExporters).toEqual(["otlp"]);
    expect(viaEndpoint.otlpTraces.url).toBe("http://127.0.0.1:4318/v1/traces");
    const signal = resolveWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/custom", OTEL_EXPORTER_OTLP_HEADERS: "a=1,b=x%20y" }).config;
    expect(signal.otlpTraces).toEqual({ url: "http://127.0.0.1:4318/custom", headers: { a: "1", b: "x y" } });
    expect(resolveWith({ OTEL_TRACES_EXPORTER: "none" }).config.extraTraceExporters).toEqual([]);
  });

  it("keeps cloud resource detectors off unless named", () => {
    expect(resolveWith({}).config.resourceDetectors).not.toEqual(expect.arrayContaining(["aws"]));
    expect(resolveWith({ OTEL_NODE_RESOURCE_DETECTORS: "env,aws" }).config.resourceDetectors).toEqual(["env", "aws"]);
    expect(resolveWith({ OTEL_NODE_RESOURCE_DETECTORS: "none" }).config.resourceDetectors).toEqual([]);
    const { config, lines } = resolveWith({ OTEL_NODE_RESOURCE_DETECTORS: "host,moon" });
    expect(config.resourceDetectors).toEqual(["host"]);
    expect(lines).toEqual([expect.stringMatching(/^OTEL_NODE_RESOURCE_DETECTORS must name detectors from .*, got "moon"; ignoring it\.$/)]);
  });

  it("in AWS Lambda the defaults add the aws-lambda detector (variables only), and a named list stays as named", () => {
    const lambda = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" };
    expect(resolveWith(lambda).config.resourceDetectors).toEqual(["env", "host", "os", "process", "serviceinstance", "container", "aws-lambda"]);
    expect(resolveWith({ AWS_EXECUTION_ENV: "AWS_ECS_FARGATE" }).config.resourceDetectors).not.toContain("aws-lambda");
    expect(resolveWith({ ...lambda, OTEL_NODE_RESOURCE_DETECTORS: "env,host" }).config.resourceDetectors).toEqual(["env", "host"]);
  });

  it("reads sampler, propagators, BSP settings, resource attributes and instrumentation lists", () => {
    const { config, lines } = resolveWith({
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_PROPAGATORS: "tracecontext,b3",
      OTEL_BSP_MAX_QUEUE_SIZE: "512",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "64",
      OTEL_BSP_EXPORT_TIMEOUT: "1000",
      OTEL_RESOURCE_ATTRIBUTES: "team=payments,region=eu%2Dwest",
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: "http, pg",
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: "@opentelemetry/instrumentation-dns",
    });
    expect(lines).toEqual([]);
    expect(config).toMatchObject({
      sampler: { name: "parentbased_traceidratio", ratio: 0.25 },
      propagators: ["tracecontext", "b3"],
      batchProcessor: { maxQueueSize: 512, maxExportBatchSize: 64, exportTimeoutMillis: 1000 },
      resourceAttributes: { team: "payments", region: "eu-west" },
      enabledInstrumentations: ["http", "pg"],
      disabledInstrumentations: ["dns"],
    });
  });

  it("turns debug on for OTEL_LOG_LEVEL debug or info, not for warn", () => {
    expect(resolveWith({ OTEL_LOG_LEVEL: "debug" }).config.debug).toBe(true);
    expect(resolveWith({ OTEL_LOG_LEVEL: "INFO" }).config.debug).toBe(true);
    expect(resolveWith({ OTEL_LOG_LEVEL: "warn" }).config.debug).toBe(false);
  });

  it("parses key=value lists and reports a pair without a key", () => {
    const lines: string[] = [];
    expect(parseKeyValueList({ env: { X: "a=1,=2,b" }, report: (l) => lines.push(l) }, "X")).toEqual({ a: "1" });
    expect(lines).toHaveLength(2);
  });
});

describe(".env", () => {
  let envDir: string;
  beforeAll(() => {
    envDir = mkdtempSync(join(tmpdir(), "axonpush-dotenv-"));
    writeFileSync(
      join(envDir, ".env"),
      "AXONPUSH_API_KEY=from-file\nAXONPUSH_CHANNEL_ID=ch_file\nOTEL_SERVICE_NAME=file-service\nDATABASE_PASSWORD=hunter2\n# comment\n",
    );
  });
  afterAll(() => rmSync(envDir, { recursive: true, force: true }));

  it("keeps only AXONPUSH_* and OTEL_* keys", () => {
    expect(readDotEnv(envDir)).toEqual({ AXONPUSH_API_KEY: "from-file", AXONPUSH_CHANNEL_ID: "ch_file", OTEL_SERVICE_NAME: "file-service" });
  });

  it("lets the real environment win and never writes to process.env", () => {
    const before = { ...process.env };
    const merged = mergeWithDotEnv({ AXONPUSH_API_KEY: "from-env", PATH: "/bin" }, envDir);
    expect(merged).toEqual({ AXONPUSH_API_KEY: "from-env", AXONPUSH_CHANNEL_ID: "ch_file", OTEL_SERVICE_NAME: "file-service", PATH: "/bin" });
    expect(process.env).toEqual(before);
    expect(process.env.DATABASE_PASSWORD).toBeUndefined();
  });

  it("is simply absent when there is no file", () => {
    expect(readDotEnv(join(envDir, "missing"))).toEqual({});
  });
});
