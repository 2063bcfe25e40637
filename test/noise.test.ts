// Unit tests for src/preload/noise and its variables (src/config/noise-variables.ts):
// which paths and User-Agents are left out, the tracer that keeps dns/net
// spans only inside a trace, and how what was left out is counted and said.
// The end-to-end behaviour is in e2e-noise.test.ts.
import type { IncomingMessage } from "node:http";
import { ROOT_CONTEXT, trace, TraceFlags, type Context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../src/config/resolve.js";
import type { Env, NoiseConfig } from "../src/config/types.js";
import { ignoredPathTest } from "../src/preload/noise/ignored-paths.js";
import { ignoreIncomingRequestHook } from "../src/preload/noise/incoming-requests.js";
import { LeftOutCounter } from "../src/preload/noise/left-out.js";
import { parentOnlyTracerProvider } from "../src/preload/noise/parent-only-tracer.js";
import { isProbeUserAgent, PROBE_USER_AGENTS } from "../src/preload/noise/probe-user-agents.js";

function resolveNoise(env: Env) {
  const lines: string[] = [];
  const config = resolveConfig({ env, report: (line) => lines.push(line), entryScript: undefined, cwd: "/" });
  return { noise: config.noise, lines };
}

describe("the noise variables", () => {
  it("default to probes and dns/net spans without a parent left out, no path ignored, quietly", () => {
    expect(resolveNoise({})).toEqual({ noise: { ignorePaths: [], traceProbes: false, traceOrphanDnsNet: false }, lines: [] });
  });

  it("read AXONPUSH_IGNORE_PATHS as exact paths and prefixes ending in *", () => {
    expect(resolveNoise({ AXONPUSH_IGNORE_PATHS: " /healthz, /internal/*,/ready " }).noise.ignorePaths).toEqual(["/healthz", "/internal/*", "/ready"]);
  });

  it("leave out entries that are not paths, or have * anywhere but at the end, with one warning naming them", () => {
    const { noise, lines } = resolveNoise({ AXONPUSH_IGNORE_PATHS: "/healthz,healthz,/a*/b,/ok*" });
    expect(noise.ignorePaths).toEqual(["/healthz", "/ok*"]);
    expect(lines).toEqual([
      'AXONPUSH_IGNORE_PATHS must list paths starting with "/", each exact or ending in "*" (e.g. /healthz,/internal/*), got "healthz,/a*/b"; ignoring them.',
    ]);
  });

  it("parse the two switches as booleans (false is false), warning on anything else", () => {
    expect(resolveNoise({ AXONPUSH_TRACE_PROBES: "true", AXONPUSH_TRACE_ORPHAN_DNS_NET: "1" }).noise).toMatchObject({ traceProbes: true, traceOrphanDnsNet: true });
    expect(resolveNoise({ AXONPUSH_TRACE_PROBES: "false", AXONPUSH_TRACE_ORPHAN_DNS_NET: "no" }).noise).toMatchObject({ traceProbes: false, traceOrphanDnsNet: false });
    const { noise, lines } = resolveNoise({ AXONPUSH_TRACE_PROBES: "sometimes" });
    expect(noise.traceProbes).toBe(false);
    expect(lines).toEqual(['AXONPUSH_TRACE_PROBES must be true or false, got "sometimes"; using false.']);
  });

  it("take code options before the environment", () => {
    const config = resolveConfig({
      env: { AXONPUSH_IGNORE_PATHS: "/a", AXONPUSH_TRACE_PROBES: "false" },
      options: { ignorePaths: ["/b*"], traceProbes: true, traceOrphanDnsNet: true },
      report: () => undefined,
      entryScript: undefined,
      cwd: "/",
    });
    expect(config.noise).toEqual({ ignorePaths: ["/b*"], traceProbes: true, traceOrphanDnsNet: true });
    expect(Object.isFrozen(config.noise) && Object.isFrozen(config.noise.ignorePaths)).toBe(true);
  });
});

describe("ignored paths", () => {
  const ignored = ignoredPathTest(["/healthz", "/internal/*", "/ready*"]);

  it("match exact paths exactly, whatever the query string", () => {
    expect(["/healthz", "/healthz?verbose=1", "/healthz#x"].map(ignored)).toEqual([true, true, true]);
    expect(["/healthz/", "/healthzz", "/api/healthz", "/"].map(ignored)).toEqual([false, false, false, false]);
  });

  it("match a prefix ending in *", () => {
    expect(["/internal/", "/internal/a/b", "/ready", "/readyz", "/ready/x?y=1"].map(ignored)).toEqual([true, true, true, true, true]);
    expect(["/internal", "/rea", "/x/internal/a"].map(ignored)).toEqual([false, false, false]);
  });
});

describe("health checkers", () => {
  const seen: Record<string, string> = {
    "kube-probe/": "kube-probe/1.31",
    "ELB-HealthChecker/": "ELB-HealthChecker/2.0",
    "Amazon-Route53-Health-Check-Service": "Amazon-Route53-Health-Check-Service (ref 0123; report http://amzn.to/1vsZADi)",
    "GoogleHC/": "GoogleHC/1.0",
    "GoogleStackdriverMonitoring-UptimeChecks": "GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)",
    "Azure Traffic Manager Endpoint Monitor": "Azure Traffic Manager Endpoint Monitor",
    "Edge Health Probe": "Edge Health Probe",
    "Consul Health Check": "Consul Health Check",
    "Envoy/HC": "Envoy/HC",
    "UptimeRobot/": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "Pingdom.com_bot": "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
    "Better Uptime Bot": "Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    Site24x7: "Mozilla/5.0 (compatible; Site24x7)",
  };

  it.each(PROBE_USER_AGENTS.map((probe) => probe.marker))("recognises %s as its checker sends it", (marker) => {
    expect(seen[marker], "a real User-Agent for every listed marker").toBeDefined();
    expect(isProbeUserAgent(seen[marker])).toBe(true);
    expect(isProbeUserAgent(seen[marker]!.toUpperCase())).toBe(true);
  });

  it("leaves browsers, curl, Node's fetch and a missing header alone", () => {
    const ordinary = [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
      "curl/8.5.0",
      "node",
      "Go-http-client/1.1",
      "",
      undefined,
    ];
    expect(ordinary.map(isProbeUserAgent)).toEqual(ordinary.map(() => false));
  });
});

const request = (url: string, userAgent?: string) =>
  ({ method: "GET", url, headers: userAgent === undefined ? {} : { "user-agent": userAgent } }) as unknown as IncomingMessage;
const noise = (overrides: Partial<NoiseConfig> = {}): NoiseConfig => ({ ignorePaths: [], traceProbes: false, traceOrphanDnsNet: false, ...overrides });

describe("which incoming requests are left out", () => {
  it("health checkers and ignored paths, each counted under its own kind", () => {
    const leftOut = new LeftOutCounter();
    const ignore = ignoreIncomingRequestHook(noise({ ignorePaths: ["/internal/*"] }), leftOut)!;
    expect([ignore(request("/orders")), ignore(request("/healthz", "kube-probe/1.31")), ignore(request("/internal/x?y=1")), ignore(request("/orders", "curl/8"))]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([leftOut.total("probe"), leftOut.total("ignoredPath"), leftOut.total("orphanDnsNet")]).toEqual([1, 1, 0]);
  });

  it("no hook at all when probes are traced and no path is ignored; probes only, when traced, stay traced", () => {
    expect(ignoreIncomingRequestHook(noise({ traceProbes: true }), new LeftOutCounter())).toBeUndefined();
    const ignore = ignoreIncomingRequestHook(noise({ traceProbes: true, ignorePaths: ["/x"] }), new LeftOutCounter())!;
    expect([ignore(request("/y", "kube-probe/1.31")), ignore(request("/x", "kube-probe/1.31"))]).toEqual([false, true]);
  });
});

describe("counting what was left out", () => {
  it("says the first of a kind and then at 10, 100, 1000…, and the totals", () => {
    const lines: string[] = [];
    const leftOut = new LeftOutCounter((line) => lines.push(line));
    for (let i = 0; i < 120; i++) leftOut.count("probe", () => `probe ${i + 1}`);
    leftOut.count("orphanDnsNet", () => "dns.lookup");
    expect(lines).toEqual([
      "left out a request from a health checker (probe 1); AXONPUSH_TRACE_PROBES=true traces them. Counting them.",
      "left out 10 requests from health checkers so far (the last: probe 10).",
      "left out 100 requests from health checkers so far (the last: probe 100).",
      "left out a dns/net span without a parent span (dns.lookup); AXONPUSH_TRACE_ORPHAN_DNS_NET=true records them. Counting them.",
    ]);
    expect(leftOut.summary()).toBe("left out of traces in all: 120 requests from health checkers, 1 dns/net span without a parent span.");
  });

  it("counts quietly without a debug reporter, and has no summary before anything was left out", () => {
    const leftOut = new LeftOutCounter();
    expect(leftOut.summary()).toBeUndefined();
    let described = 0;
    leftOut.count("ignoredPath", () => `${++described}`);
    expect([leftOut.total("ignoredPath"), described]).toEqual([1, 0]);
  });
});

describe("dns and net spans only inside a trace", () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  afterEach(() => {
    trace.disable();
    exporter.reset();
  });

  function tracerLeavingOut(names: string[]) {
    trace.setGlobalTracerProvider(sdk);
    return parentOnlyTracerProvider((name) => names.push(name)).getTracer("@opentelemetry/instrumentation-dns", "0.66.0");
  }
  const withParent = (): Context => trace.setSpan(ROOT_CONTEXT, sdk.getTracer("app").startSpan("GET /orders", {}, ROOT_CONTEXT));

  it("records a span whose context has a parent, under that parent", () => {
    const leftOut: string[] = [];
    const parentContext = withParent();
    tracerLeavingOut(leftOut).startSpan("dns.lookup", {}, parentContext).end();
    const [lookup] = exporter.getFinishedSpans();
    expect([lookup?.name, lookup?.parentSpanContext?.spanId, leftOut]).toEqual(["dns.lookup", trace.getSpanContext(parentContext)!.spanId, []]);
  });

  it("leaves out one without a parent (or asked to be a root), non-recording, and counts it", () => {
    const leftOut: string[] = [];
    const tracer = tracerLeavingOut(leftOut);
    const alone = tracer.startSpan("tcp.connect", {}, ROOT_CONTEXT);
    const asRoot = tracer.startSpan("dns.lookup", { root: true }, withParent());
    for (const span of [alone, asRoot]) {
      expect([span.isRecording(), span.spanContext().traceFlags]).toEqual([false, TraceFlags.NONE]);
      span.end();
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(leftOut).toEqual(["tcp.connect", "dns.lookup"]);
  });

  it("leaves tracing that is suppressed (an ignored request, our own export) to the SDK, uncounted", () => {
    const leftOut: string[] = [];
    const span = tracerLeavingOut(leftOut).startSpan("dns.lookup", {}, suppressTracing(ROOT_CONTEXT));
    expect([span.isRecording(), leftOut]).toEqual([false, []]);
  });

  it("runs startActiveSpan's function with the span it made, in every form", () => {
    const tracer = tracerLeavingOut([]);
    const parentContext = withParent();
    const names = [
      tracer.startActiveSpan("a", (span) => span.isRecording()),
      tracer.startActiveSpan("b", {}, (span) => span.isRecording()),
      tracer.startActiveSpan("c", {}, parentContext, (span) => span.isRecording()),
    ];
    // Without a context manager the active context is the root one: only the explicit parent makes a recording span.
    expect(names).toEqual([false, false, true]);
  });
});
