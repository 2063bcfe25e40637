// The AXONPUSH_* variables AxonPush's own SDKs share (contract/fixtures/env.json
// of the axonpush/sdks repository): one .env for a service on their SDK and one
// on this preload must mean the same. Where we differ (README, "same in
// AxonPush SDKs"), the tests say so.
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import type { Env } from "../src/config/types.js";

function resolveWith(env: Env) {
  const lines: string[] = [];
  const config = resolveConfig({ env, report: (line) => lines.push(line), entryScript: undefined, cwd: "/" });
  return { config, lines };
}

describe("AXONPUSH_TIMEOUT is seconds, as in the SDKs", () => {
  it.each([
    ["5", 5000],
    ["30", 30_000],
    ["0.5", 500],
    [".25", 250],
    ["1.5", 1500],
    ["999", 999_000],
    ["0.0001", 1],
  ])("%s -> %d ms, quietly", (raw, ms) => {
    const { config, lines } = resolveWith({ AXONPUSH_TIMEOUT: raw });
    expect(lines).toEqual([]);
    expect(config.timeoutMs).toBe(ms);
  });

  it("keeps its default of 10 s per try when unset (the SDKs' 30 s is our whole-request deadline)", () => {
    expect(resolveWith({}).config.timeoutMs).toBe(10_000);
  });

  it.each([
    ["1000", 1000, "AXONPUSH_TIMEOUT=1"],
    ["5000", 5000, "AXONPUSH_TIMEOUT=5"],
    ["2500", 2500, "AXONPUSH_TIMEOUT=2.5"],
  ])("%s can only be the old milliseconds: read as %d ms, with one line saying what to write", (raw, ms, instead) => {
    const { config, lines } = resolveWith({ AXONPUSH_TIMEOUT: raw });
    expect(config.timeoutMs).toBe(ms);
    expect(lines).toEqual([
      `AXONPUSH_TIMEOUT is in seconds, as in AxonPush's SDKs; "${raw}" can only mean milliseconds, so it is read as ${ms} ms: write ${instead} instead.`,
    ]);
  });

  it.each(["0", "-1", "1.5s", "1e3", "soon", "Infinity"])("%j is refused with one line and the default", (raw) => {
    const { config, lines } = resolveWith({ AXONPUSH_TIMEOUT: raw });
    expect(config.timeoutMs).toBe(10_000);
    expect(lines).toEqual([
      `AXONPUSH_TIMEOUT must be a number of seconds above 0 (0.5 for half a second), got ${JSON.stringify(raw)}; using 10.`,
    ]);
  });
});

describe("AXONPUSH_ORG_ID, the SDKs' other name for AXONPUSH_TENANT_ID", () => {
  it("gives the tenant when it is the only one set", () => {
    const { config, lines } = resolveWith({ AXONPUSH_ORG_ID: "org_1" });
    expect(lines).toEqual([]);
    expect(config.tenantId).toBe("org_1");
  });

  it("loses to AXONPUSH_TENANT_ID when both are set, as in the SDKs", () => {
    expect(resolveWith({ AXONPUSH_ORG_ID: "org_1", AXONPUSH_TENANT_ID: "tenant_1" }).config.tenantId).toBe("tenant_1");
  });

  it("a blank AXONPUSH_TENANT_ID does not hide it", () => {
    expect(resolveWith({ AXONPUSH_ORG_ID: "org_1", AXONPUSH_TENANT_ID: "  " }).config.tenantId).toBe("org_1");
  });
});

describe("AXONPUSH_CONTENT_CAPTURE", () => {
  it("defaults to metadata_only, as in the SDKs", () => {
    expect(resolveWith({}).config.contentCapture).toBe("metadata_only");
  });

  it.each(["metadata_only", "redacted", "full"] as const)("takes %s", (mode) => {
    const { config, lines } = resolveWith({ AXONPUSH_CONTENT_CAPTURE: mode });
    expect(lines).toEqual([]);
    expect(config.contentCapture).toBe(mode);
  });

  it("refuses anything else with one line and keeps the safe default", () => {
    const { config, lines } = resolveWith({ AXONPUSH_CONTENT_CAPTURE: "everything" });
    expect(config.contentCapture).toBe("metadata_only");
    expect(lines).toEqual(['AXONPUSH_CONTENT_CAPTURE must be one of metadata_only, redacted, full, got "everything"; using "metadata_only".']);
  });
});

describe("every variable the SDKs define", () => {
  // The names of contract/fixtures/env.json, each with a value the SDKs take.
  const SHARED: Env = {
    AXONPUSH_API_KEY: "ak_test",
    AXONPUSH_TENANT_ID: "tenant_1",
    AXONPUSH_ORG_ID: "org_1",
    AXONPUSH_APP_ID: "app_1",
    AXONPUSH_CHANNEL_ID: "ch_1",
    AXONPUSH_BASE_URL: "https://api.axonpush.xyz",
    AXONPUSH_ENVIRONMENT: "production",
    AXONPUSH_TIMEOUT: "30",
    AXONPUSH_MAX_RETRIES: "3",
    AXONPUSH_FAIL_OPEN: "false",
    AXONPUSH_CONTENT_CAPTURE: "redacted",
    AXONPUSH_REDACT_KEYS: "ssn,email",
    AXONPUSH_MAX_CONTENT_LENGTH: "4096",
  };

  it("is accepted without a word, each meaning what it means there", () => {
    const { config, lines } = resolveWith(SHARED);
    expect(lines).toEqual([]);
    expect(config).toMatchObject({
      apiKey: "ak_test",
      tenantId: "tenant_1",
      channelId: "ch_1",
      baseUrl: "https://api.axonpush.xyz",
      environment: "production",
      timeoutMs: 30_000,
      maxRetries: 3,
      contentCapture: "redacted",
      redactKeys: ["ssn", "email"],
      maxContentLength: 4096,
    });
  });

  it("AXONPUSH_FAIL_OPEN and AXONPUSH_APP_ID change nothing: the preload is always fail-open and sends nothing that needs an app id", () => {
    const base = resolveWith({ AXONPUSH_API_KEY: "ak_test" }).config;
    for (const extra of [{ AXONPUSH_FAIL_OPEN: "false" }, { AXONPUSH_FAIL_OPEN: "nonsense" }, { AXONPUSH_APP_ID: "app_1" }]) {
      const { config, lines } = resolveWith({ AXONPUSH_API_KEY: "ak_test", ...extra });
      expect(lines).toEqual([]);
      expect(config).toEqual(base);
    }
  });
});

describe("OTEL_EXPORTER_OTLP_PROTOCOL / OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", () => {
  it("unset: no protocol (protobuf, and AxonPush's otlp transport switches to JSON if refused)", () => {
    const { config, lines } = resolveWith({});
    expect(lines).toEqual([]);
    expect(config.otlpTraces.protocol).toBeUndefined();
  });

  it.each(["http/json", "http/protobuf", "HTTP/JSON"])("takes %s", (raw) => {
    const { config, lines } = resolveWith({ OTEL_EXPORTER_OTLP_PROTOCOL: raw });
    expect(lines).toEqual([]);
    expect(config.otlpTraces.protocol).toBe(raw.toLowerCase());
  });

  it("the traces variable wins over the general one", () => {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" };
    expect(resolveWith(env).config.otlpTraces.protocol).toBe("http/json");
  });

  it("grpc (not bundled) gets one line naming the variable, and the default", () => {
    const { config, lines } = resolveWith({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" });
    expect(config.otlpTraces.protocol).toBeUndefined();
    expect(lines).toEqual(['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/protobuf or http/json (grpc is not bundled), got "grpc"; using http/protobuf.']);
  });
});
